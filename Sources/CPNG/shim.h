// libpng's simplified API (png_image_*): no setjmp, which Swift cannot use.
#include <png.h>
