#!/bin/sh
# Stands in for nvidia-smi in the tests: prints the recorded reading named by $VRAMPLAN_TEST_READING
# for the query vramplan makes; fails (as old drivers do) when memory.reserved is asked of a
# reading recorded without it.
case "$*" in
  *memory.reserved*) if [ "$(head -1 "$VRAMPLAN_TEST_READING" | tr -cd , | wc -c)" -lt 3 ]; then
      echo 'Field "memory.reserved" is not a valid field to query.' >&2; exit 2; fi ;;
esac
cat "$VRAMPLAN_TEST_READING"
