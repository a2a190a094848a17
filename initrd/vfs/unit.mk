# SPDX-License-Identifier: MIT
# Host unit tests of the VFS's pure logic.
UNIT_DEPS_test_vfs_path := initrd/vfs/vfs_path.c
UNIT_DEPS_test_vfs_tree := initrd/vfs/vfs_tree.c initrd/vfs/vfs_path.c
UNIT_DEPS_test_vfs_tar  := initrd/vfs/vfs_tar.c initrd/vfs/vfs_tree.c initrd/vfs/vfs_path.c
