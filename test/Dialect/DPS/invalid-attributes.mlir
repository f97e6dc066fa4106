// RUN: dps-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'i32' is not a supported precision; expected one of f32, f16, bf16, f8E4M3FN, f8E5M2}}
func.func private @precision() attributes {p = #dps.precision<i32>}

// -----

// expected-error @+1 {{'f64' is not a supported precision}}
func.func private @precision_f64() attributes {p = #dps.precision<f64>}

// -----

// expected-error @+1 {{a ladder needs at least one precision}}
func.func private @empty_ladder() attributes {l = #dps.ladder<[]>}

// -----

// expected-error @+1 {{rung 1 ('f32') must be less precise than rung 0 ('bf16'): a ladder's precisions strictly decrease (f32 > f16 > bf16 > f8E4M3FN > f8E5M2)}}
func.func private @increasing() attributes {l = #dps.ladder<[bf16, f32]>}

// -----

// expected-error @+1 {{rung 1 ('bf16') must be less precise than rung 0 ('bf16')}}
func.func private @repeated() attributes {l = #dps.ladder<[bf16, bf16]>}

// -----

// expected-error @+1 {{rung 2 ('f16') must be less precise than rung 1 ('bf16')}}
func.func private @f16_below_bf16() attributes {l = #dps.ladder<[f32, bf16, f16]>}

// -----

// expected-error @+1 {{rung 1 ('f64') is not a supported precision}}
func.func private @ladder_f64() attributes {l = #dps.ladder<[f32, f64]>}

// -----

// expected-error @+1 {{learning rate must be positive and finite, got 0}}
func.func private @zero_lr() attributes {o = #dps.sgd<lr = 0.0>}

// -----

// expected-error @+1 {{momentum must be in [0, 1), got 1}}
func.func private @momentum() attributes {o = #dps.sgd<lr = 0.1, momentum = 1.0>}

// -----

// expected-error @+1 {{weight_decay must be non-negative, got -1}}
func.func private @decay() attributes {o = #dps.sgd<lr = 0.1, weight_decay = -1.0>}

// -----

// expected-error @+1 {{beta2 must be in [0, 1), got 1.5}}
func.func private @beta2() attributes {o = #dps.adam<lr = 0.1, beta2 = 1.5>}

// -----

// expected-error @+1 {{epsilon must be positive, got 0}}
func.func private @epsilon() attributes {o = #dps.adam<lr = 0.1, epsilon = 0.0>}

// -----

// expected-error @+1 {{struct is missing required parameter: lr}}
func.func private @missing_lr() attributes {o = #dps.sgd<momentum = 0.9>}

// -----

// expected-error @+1 {{unknown learning-rate schedule 'linear'; expected constant, step or cosine}}
func.func private @schedule() attributes {s = #dps.lr_schedule<linear>}

// -----

// expected-error @+1 {{the step schedule's period is a fraction of the run in (0, 1], got 0}}
func.func private @step_period() attributes {s = #dps.lr_schedule<step>}

// -----

// expected-error @+1 {{the step schedule's gamma must be in (0, 1], got 2}}
func.func private @step_gamma() attributes {s = #dps.lr_schedule<step, period = 0.5, gamma = 2.0>}

// -----

// expected-error @+1 {{'period' applies only to the step schedule}}
func.func private @cosine_period() attributes {s = #dps.lr_schedule<cosine, period = 0.5>}

// -----

// expected-error @+1 {{unknown schedule parameter 'warmup'; expected period or gamma}}
func.func private @schedule_key() attributes {s = #dps.lr_schedule<step, warmup = 0.5>}

// -----

// expected-error @+2 {{expected ::mlir::dps::InitKind to be one of: zeros, ones, he_normal, he_uniform, glorot_normal, glorot_uniform}}
// expected-error @+1 {{failed to parse DPS_InitAttr parameter 'value' which is to be a `::mlir::dps::InitKind`}}
func.func private @init() attributes {i = #dps.init<random>}
