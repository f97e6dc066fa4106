// The example models' compiled gradient kernels: rows past the valid count
// are never read, and micro-batches accumulate like one batch. (Their ReLU
// and max-pool kinks make finite differences of the whole models noisy; each
// op's gradient is checked against finite differences in this folder.)
// RUN: dps-gradcheck %dps_src_root/examples/mlp.mlir --rows 9 --checks padding,accumulation | FileCheck %s
// 13 rows: the first layer's leftover rows as a 4-row tile and a single
// row (dps-vectorize-contractions), against 6 + 7 rows (4 + 2 singles, 4 +
// 3 singles).
// RUN: dps-gradcheck %dps_src_root/examples/mlp.mlir --rows 13 --checks padding,accumulation | FileCheck %s
// RUN: dps-gradcheck %dps_src_root/examples/cnn.mlir --rows 5 --checks padding,accumulation | FileCheck %s
// CHECK: padding rows {{.*}} ok
// CHECK: accumulation {{.*}} ok
// CHECK: PASS
