// RUN: dps-opt %s -split-input-file | dps-opt -split-input-file | FileCheck %s

// CHECK: #dps.precision<f32>
// CHECK-SAME: #dps.precision<f16>
// CHECK-SAME: #dps.precision<bf16>
// CHECK-SAME: #dps.precision<f8E4M3FN>
// CHECK-SAME: #dps.precision<f8E5M2>
func.func private @precisions() attributes {all = [#dps.precision<f32>, #dps.precision<f16>, #dps.precision<bf16>, #dps.precision<f8E4M3FN>, #dps.precision<f8E5M2>]}

// -----

// CHECK: #dps.ladder<[f32, f16, bf16, f8E4M3FN, f8E5M2]>
// CHECK-SAME: #dps.ladder<[bf16]>
// CHECK-SAME: #dps.ladder<[f32, f8E5M2]>
func.func private @ladders() attributes {all = [#dps.ladder<[f32, f16, bf16, f8E4M3FN, f8E5M2]>, #dps.ladder<[bf16]>, #dps.ladder<[f32, f8E5M2]>]}

// -----

// Hyper-parameters round-trip exactly; parameters at their defaults are elided.
// CHECK: #dps.sgd<lr = 5.000000e-02, momentum = 9.000000e-01>
// CHECK-SAME: #dps.sgd<lr = 1.000000e-01, weight_decay = 5.000000e-04>
// CHECK-SAME: #dps.sgd<lr = 1.000000e-01>
// CHECK-SAME: #dps.adam<lr = 1.000000e-03>
// CHECK-SAME: #dps.adam<lr = 1.000000e-03, beta1 = 8.000000e-01, beta2 = 0.98999999999999999, epsilon = 9.9999999999999995E-8, weight_decay = 1.000000e-02>
func.func private @optimizers() attributes {all = [
  #dps.sgd<lr = 0.05, momentum = 0.9>,
  #dps.sgd<lr = 0.1, momentum = 0.0, weight_decay = 5.0e-4>,
  #dps.sgd<lr = 0.10000000000000001>,
  #dps.adam<lr = 1.0e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1.0e-8>,
  #dps.adam<lr = 1.0e-3, beta1 = 0.8, beta2 = 0.99, epsilon = 1.0e-7, weight_decay = 0.01>]}

// -----

// CHECK: #dps.lr_schedule<constant>
// CHECK-SAME: #dps.lr_schedule<cosine>
// CHECK-SAME: #dps.lr_schedule<step, period = 3.000000e-01, gamma = 1.000000e-01>
// CHECK-SAME: #dps.lr_schedule<step, period = 5.000000e-01, gamma = 5.000000e-01>
func.func private @schedules() attributes {all = [#dps.lr_schedule<constant>, #dps.lr_schedule<cosine>, #dps.lr_schedule<step, period = 0.3>, #dps.lr_schedule<step, gamma = 0.5, period = 0.5>]}

// -----

// CHECK: #dps.init<zeros>
// CHECK-SAME: #dps.init<glorot_normal>
// CHECK-SAME: #dps.loss<mse>
func.func private @enums() attributes {all = [#dps.init<zeros>, #dps.init<glorot_normal>, #dps.loss<mse>]}
