// RUN: dps-translate --dps-to-manifest %dps_src_root/examples/mlp.mlir | FileCheck %s
// RUN: dps-opt -dps-autodiff -dps-specialize-precision %dps_src_root/examples/cnn.mlir | dps-translate --dps-to-manifest | FileCheck %s --check-prefix=CNN

// The bf16 rung's gradient kernel: its own parameter copies and input batch
// at bf16, f32 accumulators and losses, an overflow flag. The copies of the
// dense weight matrices are VNNI-packed (K/2 x N x 2), the others
// row-major.
// CHECK: "batch": 128,
// CHECK: "kernels": [
// CHECK: "element_type": "bf16",
// CHECK-NEXT: "layout": "vnni",
// CHECK-NEXT: "name": "dense0.weight",
// CHECK-NEXT: "role": "param_copy",
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 392,
// CHECK-NEXT: 256,
// CHECK-NEXT: 2
// CHECK: "element_type": "bf16",
// CHECK-NEXT: "layout": "row_major",
// CHECK-NEXT: "name": "dense0.bias",
// CHECK: "layout": "vnni",
// CHECK-NEXT: "name": "dense1.weight",
// CHECK: "name": "dense1.bias",
// CHECK: "layout": "row_major",
// CHECK-NEXT: "name": "dense2.weight",
// CHECK-NEXT: "role": "param_copy",
// CHECK: "element_type": "bf16",
// CHECK: "name": "input",
// CHECK-NEXT: "role": "input",
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 128,
// CHECK-NEXT: 784
// CHECK: "element_type": "i32",
// CHECK: "name": "label",
// CHECK: "element_type": "index",
// CHECK: "name": "rows",
// CHECK-NEXT: "role": "rows",
// CHECK-NEXT: "shape": []
// CHECK: "element_type": "bf16",
// CHECK: "name": "grad.bf16.dense0.weight",
// CHECK-NEXT: "role": "grad_acc",
// CHECK: "name": "losses",
// CHECK: "name": "overflow",
// CHECK-NEXT: "role": "overflow",
// CHECK: "kind": "grad",
// CHECK-NEXT: "name": "mlp_train_grad_bf16",
// CHECK-NEXT: "precision": "bf16"
// Its refresh kernel: f32 master weights (with their initialisers) in,
// bf16 copies out.
// CHECK: "element_type": "f32",
// CHECK-NEXT: "init": "he_normal",
// CHECK-NEXT: "layout": "row_major",
// CHECK-NEXT: "name": "dense0.weight",
// CHECK-NEXT: "role": "param",
// CHECK: "kind": "refresh",
// CHECK-NEXT: "name": "mlp_train_refresh_bf16",
// The f8 rung: copies decoded to bf16 (no scales beside them), the input
// batch at f8, amax in and out.
// CHECK: "element_type": "bf16",
// CHECK-NEXT: "layout": "vnni",
// CHECK-NEXT: "name": "dense0.weight",
// CHECK-NEXT: "role": "param_copy",
// CHECK-NOT: "scale.
// CHECK: "element_type": "f8E4M3FN",
// CHECK-NEXT: "layout": "row_major",
// CHECK-NEXT: "name": "input",
// CHECK: "name": "amax.scaling",
// CHECK-NEXT: "role": "amax",
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 5
// CHECK: "name": "amax.observed",
// CHECK: "name": "mlp_train_grad_f8E4M3FN",
// CHECK: "name": "mlp_train_refresh_f8E4M3FN",
// CHECK: "name": "mlp_train_grad_f32",
// CHECK-NEXT: "precision": "f32"
// The update: momentum buffers, every rung's accumulators in ladder order,
// and the step counters.
// CHECK: "name": "momentum_buffer.dense0.weight",
// CHECK-NEXT: "role": "opt_state",
// CHECK: "name": "grad.f32.dense0.weight",
// CHECK: "name": "grad.f32.dense2.bias",
// CHECK: "name": "grad.bf16.dense0.weight",
// CHECK: "name": "grad.bf16.dense2.bias",
// CHECK: "name": "grad.f8E4M3FN.dense0.weight",
// CHECK: "name": "grad.f8E4M3FN.dense2.bias",
// CHECK-NEXT: "role": "grad_acc",
// CHECK: "name": "step",
// CHECK: "name": "total_steps",
// CHECK: "kind": "update",
// CHECK-NEXT: "name": "mlp_train_update",
// CHECK-NEXT: "precision": "f32",
// CHECK-NEXT: "rungs": [
// CHECK-NEXT: "f32",
// CHECK-NEXT: "bf16",
// CHECK-NEXT: "f8E4M3FN"
// CHECK-NEXT: ]
// The updates for the rungs from bf16 and from f8 down read those sets only.
// CHECK: "name": "grad.bf16.dense0.weight",
// CHECK-NOT: "grad.f32.
// CHECK: "name": "mlp_train_update_from_bf16",
// CHECK-NEXT: "precision": "f32",
// CHECK-NEXT: "rungs": [
// CHECK-NEXT: "bf16",
// CHECK-NEXT: "f8E4M3FN"
// CHECK-NEXT: ]
// CHECK: "name": "grad.f8E4M3FN.dense0.weight",
// CHECK-NOT: "grad.bf16.
// CHECK: "name": "mlp_train_update_from_f8E4M3FN",
// CHECK-NEXT: "precision": "f32",
// CHECK-NEXT: "rungs": [
// CHECK-NEXT: "f8E4M3FN"
// CHECK-NEXT: ]
// The top rung's lanes' update reads two f32 sets: the gradient kernel's
// and the second lane's, parameter for parameter.
// CHECK: "name": "grad.f32.dense2.bias",
// CHECK: "name": "grad.f32.lane1.dense0.weight",
// CHECK-NEXT: "role": "grad_acc",
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 784,
// CHECK-NEXT: 256
// CHECK: "name": "grad.f32.lane1.dense2.bias",
// CHECK: "name": "mlp_train_update_lanes_f32",
// CHECK-NEXT: "precision": "f32",
// CHECK-NEXT: "rungs": [
// CHECK-NEXT: "f32",
// CHECK-NEXT: "f32"
// CHECK-NEXT: ]
// CHECK: "name": "predictions",
// CHECK-NEXT: "role": "predictions",
// CHECK: "kind": "eval",
// CHECK-NEXT: "name": "mlp_train_eval",
// CHECK: "ladder": [
// CHECK-NEXT: "f32",
// CHECK-NEXT: "bf16",
// CHECK-NEXT: "f8E4M3FN"
// CHECK: "model": "mlp",
// CHECK: "train_step": "mlp_train"

// CNN: "name": "conv2d0.filter",
// CNN: "name": "conv2d0.bias",
// CNN: "name": "conv2d1.filter",
// CNN: "name": "dense0.weight",
// CNN: "name": "dense1.bias",
// CNN: "name": "cnn_train_grad_bf16",
