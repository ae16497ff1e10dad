/* sync: flush the file system's dirty buffers to disk. */
#include <unistd.h>

int main(void)
{
  sync();
  return 0;
}
