//===- TrainingAttrs.cpp - optimizers and learning-rate schedules ----------===//
#include "dps/Dialect/DPS/IR/DPSAttrs.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace mlir::dps;

//===----------------------------------------------------------------------===//
// LRScheduleAttr
//===----------------------------------------------------------------------===//

// #dps.lr_schedule<kind[, period = P][, gamma = G]>
Attribute LRScheduleAttr::parse(AsmParser &parser, Type) {
  StringRef kindName;
  SMLoc kindLoc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&kindName))
    return {};
  std::optional<LRScheduleKind> kind = symbolizeLRScheduleKind(kindName);
  if (!kind) {
    parser.emitError(kindLoc) << "unknown learning-rate schedule '" << kindName
                              << "'; expected constant, step or cosine";
    return {};
  }
  double period = 0.0, gamma = 0.1;  // the defaults of DPSAttrs.td
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    SMLoc keyLoc = parser.getCurrentLocation();
    double value;
    if (parser.parseKeyword(&key) || parser.parseEqual() ||
        parser.parseFloat(value))
      return {};
    if (key == "period") {
      period = value;
    } else if (key == "gamma") {
      gamma = value;
    } else {
      parser.emitError(keyLoc) << "unknown schedule parameter '" << key
                               << "'; expected period or gamma";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return LRScheduleAttr::getChecked(
      [&] { return parser.emitError(kindLoc); }, parser.getContext(), *kind,
      F64(period), F64(gamma));
}

void LRScheduleAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyLRScheduleKind(getKind());
  if (getKind() == LRScheduleKind::step) {
    printer << ", period = ";
    printer.printFloat(llvm::APFloat(getPeriod()));
    printer << ", gamma = ";
    printer.printFloat(llvm::APFloat(getGamma()));
  }
  printer << ">";
}

LogicalResult
LRScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       LRScheduleKind kind, F64 period, F64 gamma) {
  if (kind != LRScheduleKind::step) {
    if (period != 0.0)
      return emitError() << "'period' applies only to the step schedule";
    return success();
  }
  if (!(period > 0.0 && period <= 1.0))
    return emitError() << "the step schedule's period is a fraction of the "
                          "run in (0, 1], got "
                       << period;
  if (!(gamma > 0.0 && gamma <= 1.0))
    return emitError() << "the step schedule's gamma must be in (0, 1], got "
                       << gamma;
  return success();
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

static LogicalResult verifyLearningRate(
    function_ref<InFlightDiagnostic()> emitError, double lr) {
  if (!(lr > 0.0 && std::isfinite(lr)))
    return emitError() << "learning rate must be positive and finite, got "
                       << lr;
  return success();
}

static LogicalResult verifyWeightDecay(
    function_ref<InFlightDiagnostic()> emitError, double weightDecay) {
  if (!(weightDecay >= 0.0 && std::isfinite(weightDecay)))
    return emitError() << "weight_decay must be non-negative, got "
                       << weightDecay;
  return success();
}

/// Decay rates of moving averages live in [0, 1).
static LogicalResult verifyDecayRate(
    function_ref<InFlightDiagnostic()> emitError, StringRef name,
    double value) {
  if (!(value >= 0.0 && value < 1.0))
    return emitError() << name << " must be in [0, 1), got " << value;
  return success();
}

LogicalResult SGDAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              F64 lr, F64 momentum, F64 weightDecay) {
  return success(succeeded(verifyLearningRate(emitError, lr)) &&
                 succeeded(verifyDecayRate(emitError, "momentum", momentum)) &&
                 succeeded(verifyWeightDecay(emitError, weightDecay)));
}

double SGDAttr::getLearningRate() const { return getLr(); }
unsigned SGDAttr::getNumStateTensors() const {
  return getMomentum() == 0.0 ? 0 : 1;
}
StringRef SGDAttr::getStateName(unsigned) const { return "momentum_buffer"; }

LogicalResult AdamAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               F64 lr, F64 beta1, F64 beta2, F64 epsilon,
                               F64 weightDecay) {
  if (failed(verifyLearningRate(emitError, lr)) ||
      failed(verifyDecayRate(emitError, "beta1", beta1)) ||
      failed(verifyDecayRate(emitError, "beta2", beta2)) ||
      failed(verifyWeightDecay(emitError, weightDecay)))
    return failure();
  if (!(epsilon > 0.0))
    return emitError() << "epsilon must be positive, got " << epsilon;
  return success();
}

double AdamAttr::getLearningRate() const { return getLr(); }
unsigned AdamAttr::getNumStateTensors() const { return 2; }
StringRef AdamAttr::getStateName(unsigned index) const {
  return index == 0 ? "exp_avg" : "exp_avg_sq";
}
