// The example models parse, verify and round-trip.
// RUN: dps-opt %dps_src_root/examples/mlp.mlir | dps-opt | FileCheck %s --check-prefix=MLP
// RUN: dps-opt %dps_src_root/examples/cnn.mlir | dps-opt | FileCheck %s --check-prefix=CNN

// MLP-LABEL: func.func @mlp
// MLP-COUNT-3: dps.dense
// MLP: dps.train_step @mlp_train {batch = 128 : i64, forward = @mlp, ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>, loss = #dps.loss<softmax_cross_entropy>, optimizer = #dps.sgd<lr = 5.000000e-02, momentum = 9.000000e-01>, schedule = #dps.lr_schedule<cosine>}

// CNN-LABEL: func.func @cnn
// CNN: dps.conv2d {{.*}} padding = [1, 1, 1, 1] : tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>
// CNN: dps.max_pool2d {{.*}} kernel = [2, 2] strides = [2, 2] : tensor<?x28x28x16xf32>
// CNN: dps.conv2d {{.*}} : tensor<?x14x14x16xf32>, tensor<3x3x16x32xf32>, tensor<32xf32>
// CNN: dps.max_pool2d {{.*}} : tensor<?x14x14x32xf32>
// CNN: dps.flatten {{.*}} : tensor<?x7x7x32xf32>
// CNN: dps.dense {{.*}} : tensor<?x1568xf32>, tensor<1568x64xf32>, tensor<64xf32>
// CNN: dps.dense {{.*}} : tensor<?x64xf32>, tensor<64x10xf32>, tensor<10xf32>
// CNN: dps.train_step @cnn_train
