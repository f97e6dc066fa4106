// RUN: dps-translate --dps-to-manifest %dps_src_root/examples/mlp.mlir | FileCheck %s
// RUN: dps-opt -dps-autodiff %dps_src_root/examples/cnn.mlir | dps-translate --dps-to-manifest | FileCheck %s --check-prefix=CNN

// CHECK: "batch": 128,
// CHECK: "kernels": [
// CHECK: "args": [
// CHECK: "element_type": "f32",
// CHECK-NEXT: "init": "he_normal",
// CHECK-NEXT: "layout": "row_major",
// CHECK-NEXT: "name": "dense0.weight",
// CHECK-NEXT: "role": "param",
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 784,
// CHECK-NEXT: 256
// CHECK: "name": "dense0.bias",
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
// CHECK: "name": "grad.dense0.weight",
// CHECK-NEXT: "role": "grad_acc",
// CHECK: "name": "losses",
// CHECK: "kind": "grad",
// CHECK-NEXT: "name": "mlp_train_grad",
// CHECK-NEXT: "precision": "f32"
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
// CNN: "name": "cnn_train_grad",
