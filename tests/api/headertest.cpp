// The public header must compile as C++ (-pedantic -Werror) and link.
#include <tenet.h>

int main()
{
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    (void)o;
    return tenet_version() != nullptr && tenet_version_number() == TENET_VERSION_NUMBER ? 0 : 1;
}
