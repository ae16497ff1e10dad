/* types.h: fixed-width integer types (from the compiler's freestanding headers) and the
 * short names the kernel uses everywhere. */
#ifndef TYPES_H
#define TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef int32_t ssize_t;
typedef int32_t pid_t;
typedef uint32_t paddr_t;   /* physical (machine) address */
typedef uint32_t uaddr_t;   /* user virtual address */

#define PGSIZE  4096
#define PGSHIFT 12
#define PGROUNDUP(a)   (((a) + PGSIZE - 1) & ~(uint32_t)(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(uint32_t)(PGSIZE - 1))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(a, n) (((a) + (n) - 1) & ~((n) - 1))
#define offsetof_(t, m) __builtin_offsetof(t, m)

#endif
