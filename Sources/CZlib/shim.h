// The system zlib, for reading deflated ZIP entries (a system library, not a package).
#include <zlib.h>
