// libjpeg's headers need <stdio.h> (FILE) and <stddef.h> before them.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#include <jerror.h>
