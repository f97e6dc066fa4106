// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @kernel_size(%x: tensor<?x8x8x1xf32>) {
  // expected-error @+1 {{'dps.max_pool2d' op expects 2 positive kernel sizes [h, w]}}
  %y = dps.max_pool2d %x kernel = [2] : tensor<?x8x8x1xf32>
  return
}

// -----

func.func @padding_as_large_as_kernel(%x: tensor<?x8x8x1xf32>) {
  // expected-error @+1 {{'dps.avg_pool2d' op padding must be smaller than the kernel, or a window could see only padding}}
  %y = dps.avg_pool2d %x kernel = [2, 2] padding = [2, 0, 0, 0] : tensor<?x8x8x1xf32>
  return
}

// -----

func.func @window_too_large(%x: tensor<?x3x8x1xf32>) {
  // expected-error @+1 {{'dps.max_pool2d' op window of 4 does not fit the padded input height of 3}}
  %y = dps.max_pool2d %x kernel = [4, 4] : tensor<?x3x8x1xf32>
  return
}

// -----

func.func @rank(%x: tensor<?x8x8xf32>) {
  // expected-error @+1 {{'dps.avg_pool2d' op expects an NHWC input of rank 4}}
  %y = dps.avg_pool2d %x kernel = [2, 2] : tensor<?x8x8xf32>
  return
}

// -----

func.func @strides(%x: tensor<?x8x8x1xf32>) {
  // expected-error @+1 {{'dps.max_pool2d' op expects 2 positive strides [h, w]}}
  %y = dps.max_pool2d %x kernel = [2, 2] strides = [2, 0] : tensor<?x8x8x1xf32>
  return
}

// -----

func.func @dilations(%x: tensor<?x8x8x1xf32>) {
  // expected-error @+1 {{'dps.max_pool2d' op expects 2 positive dilations [h, w]}}
  %y = dps.max_pool2d %x kernel = [2, 2] dilations = [0, 1] : tensor<?x8x8x1xf32>
  return
}

// -----

func.func @dilated_padding(%x: tensor<?x8x8x1xf32>) {
  // A dilated 2x2 window spans 3 rows: padding 2 is allowed, 3 is not.
  // expected-error @+1 {{'dps.max_pool2d' op padding must be smaller than the kernel, or a window could see only padding}}
  %y = dps.max_pool2d %x kernel = [2, 2] padding = [3, 0, 0, 0] dilations = [2, 2] : tensor<?x8x8x1xf32>
  return
}
