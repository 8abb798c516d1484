//go:build !tenet_nopkgconfig

package tenet

// libtenet is found through pkg-config: an installed tenet.pc, or the build
// tree's tenet-uninstalled.pc when PKG_CONFIG_PATH names the build directory.
// Build with -tags tenet_nopkgconfig to supply CGO_CFLAGS/CGO_LDFLAGS instead.

// #cgo pkg-config: tenet
import "C"
