#version 330 core
#include "color.frag"
