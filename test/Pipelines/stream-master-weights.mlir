// The update writes the new master weights with non-temporal stores (the
// rungs' refreshes read them next, on other cores; a plain store would wait
// for those cores to drop their copies of each line), behind a test of the
// buffer's alignment; the momentum it reads again itself stays cached, and
// no other kernel streams anything. The runtime gives every kernel buffer
// a 64-byte aligned base (docs/kernel-abi.md).
// RUN: dps-opt %dps_src_root/examples/mlp.mlir \
// RUN:   --dps-lower-to-llvm="openmp=false amx=false bf16-dot=false" \
// RUN:   | mlir-translate --mlir-to-llvmir \
// RUN:   | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 | FileCheck %s

// CHECK-NOT: vmovntps
// CHECK-LABEL: mlp_train_update:
// CHECK: vmovntps %zmm{{[0-9]+}}, (
// CHECK: vmovups %zmm{{[0-9]+}}, (
// CHECK-LABEL: mlp_train_eval:
// CHECK-NOT: vmovntps
