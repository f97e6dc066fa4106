// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @channels(%x: tensor<?x28x28x3xf32>, %f: tensor<3x3x1x16xf32>) {
  // expected-error @+1 {{'dps.conv2d' op input has 3 channels but the filter (KH x KW x C x F) expects 1}}
  %y = dps.conv2d %x, %f : tensor<?x28x28x3xf32>, tensor<3x3x1x16xf32>
  return
}

// -----

func.func @window_too_large(%x: tensor<?x2x8x1xf32>, %f: tensor<3x3x1x16xf32>) {
  // expected-error @+1 {{'dps.conv2d' op window of 3 does not fit the padded input height of 2}}
  %y = dps.conv2d %x, %f : tensor<?x2x8x1xf32>, tensor<3x3x1x16xf32>
  return
}

// -----

func.func @bad_strides(%x: tensor<?x8x8x1xf32>, %f: tensor<3x3x1x16xf32>) {
  // expected-error @+1 {{'dps.conv2d' op expects 2 positive strides [h, w]}}
  %y = dps.conv2d %x, %f strides = [0, 1] : tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>
  return
}

// -----

func.func @bad_padding(%x: tensor<?x8x8x1xf32>, %f: tensor<3x3x1x16xf32>) {
  // expected-error @+1 {{'dps.conv2d' op expects 4 non-negative paddings [top, left, bottom, right]}}
  %y = dps.conv2d %x, %f padding = [1, 1] : tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>
  return
}

// -----

func.func @bad_dilations(%x: tensor<?x8x8x1xf32>, %f: tensor<3x3x1x16xf32>) {
  // expected-error @+1 {{'dps.conv2d' op expects 2 positive dilations [h, w]}}
  %y = dps.conv2d %x, %f dilations = [1, -1] : tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>
  return
}

// -----

func.func @nchw_rank(%x: tensor<?x28x28xf32>, %f: tensor<3x3x1x16xf32>) {
  // expected-error @+1 {{'dps.conv2d' op expects an NHWC input and an HWIO filter, both of rank 4}}
  %y = dps.conv2d %x, %f : tensor<?x28x28xf32>, tensor<3x3x1x16xf32>
  return
}

// -----

func.func @bias(%x: tensor<?x8x8x1xf32>, %f: tensor<3x3x1x16xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'dps.conv2d' op bias must be a rank-1 tensor of the filter's 16 output channels}}
  %y = dps.conv2d %x, %f, %b : tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>, tensor<8xf32>
  return
}

// -----

func.func @result_type(%x: tensor<?x8x8x1xf32>, %f: tensor<3x3x1x16xf32>) {
  // expected-error @+2 {{'dps.conv2d' op inferred type(s) 'tensor<?x6x6x16xf32>' are incompatible with return type(s) of operation 'tensor<?x8x8x16xf32>'}}
  // expected-error @+1 {{'dps.conv2d' op failed to infer returned types}}
  %y = "dps.conv2d"(%x, %f) : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  return
}
