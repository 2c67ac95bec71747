// The one translation unit holding stb's implementations; everything else includes the headers
// alone. stb_image_write is here too so that tests and tools can write PNGs without a second copy.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>
#include <stb/stb_image_write.h>
