#!/bin/sh
# Stands in for an nvidia-smi that hangs (a wedged driver): prints nothing and waits 30 s, in a
# child process (sleep) as well as itself, so the test sees that the whole process group is
# killed. `--gpu auto` must give up at its limit (tests/cli/gpu_auto.cmake).
sleep 30
