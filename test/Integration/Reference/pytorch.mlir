// dps's compiled grad + update kernels reproduce PyTorch 1.13: five steps of
// an MLP and a CNN with SGD (momentum, weight decay) and Adam under a cosine
// schedule, from the same weights on the same batches. The fixtures come from
// test/reference/make_fixtures.py and are committed: no PyTorch at test time.
// Every per-sample loss and final weight a satisfies |a - b| <= 1e-5 + 1e-4 |b|;
// the eval kernel's losses equal the grad kernel's on the same batch.
// RUN: dps-replay %dps_src_root/test/reference/models.mlir --step mlp_sgd --fixture %dps_src_root/test/reference/mlp_sgd.json | FileCheck %s
// RUN: dps-replay %dps_src_root/test/reference/models.mlir --step mlp_adam --fixture %dps_src_root/test/reference/mlp_adam.json | FileCheck %s
// RUN: dps-replay %dps_src_root/test/reference/models.mlir --step cnn_sgd --fixture %dps_src_root/test/reference/cnn_sgd.json | FileCheck %s
// RUN: dps-replay %dps_src_root/test/reference/models.mlir --step cnn_adam --fixture %dps_src_root/test/reference/cnn_adam.json | FileCheck %s
// A replay against the wrong optimizer's reference fails.
// RUN: not dps-replay %dps_src_root/test/reference/models.mlir --step mlp_adam --fixture %dps_src_root/test/reference/mlp_sgd.json | FileCheck %s --check-prefix=WRONG
// CHECK: per-sample losses of 5 steps: {{.*}} ok
// CHECK: eval losses vs grad losses (step 0): max |a - b| = 0  ok
// CHECK-NOT: FAIL
// CHECK: PASS
// WRONG: FAIL
