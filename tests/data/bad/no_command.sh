#!/bin/sh
echo "no vllm here"
