// Declarations only (include/CFuzzDriver.h): the definitions are in the libFuzzer runtime.
#include "CFuzzDriver.h"
