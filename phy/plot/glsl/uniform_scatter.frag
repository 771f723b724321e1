#version 330 core
#include "scatter.frag"
