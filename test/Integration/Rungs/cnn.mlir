// The CNN example's bf16 and f8 kernels against its f32 kernel.
// RUN: dps-rungcheck %dps_src_root/examples/cnn.mlir --rows 16 | FileCheck %s
// CHECK: bf16 {{.*}} ok
// CHECK: f8E4M3FN {{.*}} ok
// CHECK: PASS
