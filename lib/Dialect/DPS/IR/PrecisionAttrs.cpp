//===- PrecisionAttrs.cpp - #dps.precision and #dps.ladder -----------------===//
#include "dps/Dialect/DPS/IR/DPSAttrs.h"
#include "dps/Dialect/DPS/IR/DPSDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::dps;

/// Rank by significand bits; -1 for types that are not precisions.
static int precisionRank(Type type) {
  return llvm::TypeSwitch<Type, int>(type)
      .Case([](Float32Type) { return 4; })
      .Case([](Float16Type) { return 3; })
      .Case([](BFloat16Type) { return 2; })
      .Case([](Float8E4M3FNType) { return 1; })
      .Case([](Float8E5M2Type) { return 0; })
      .Default([](Type) { return -1; });
}

bool mlir::dps::isFloat8(Type type) {
  return isa<Float8E4M3FNType, Float8E5M2Type>(type);
}

bool mlir::dps::isSupportedPrecision(Type type) {
  return precisionRank(type) >= 0;
}

std::string mlir::dps::typeName(Type type) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return name;
}

LogicalResult
PrecisionAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      Type elementType) {
  if (!isSupportedPrecision(elementType))
    return emitError() << elementType
                       << " is not a supported precision; expected one of "
                       << kSupportedPrecisions;
  return success();
}

unsigned PrecisionAttr::getRank() const {
  return precisionRank(getElementType());
}

unsigned PrecisionAttr::getBitWidth() const {
  return getElementType().getIntOrFloatBitWidth();
}

double PrecisionAttr::getMaxFinite() const {
  auto floatType = cast<FloatType>(getElementType());
  return llvm::APFloat::getLargest(floatType.getFloatSemantics())
      .convertToDouble();
}

LogicalResult LadderAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<Type> rungs) {
  if (rungs.empty())
    return emitError() << "a ladder needs at least one precision";
  for (auto [index, rung] : llvm::enumerate(rungs)) {
    if (!isSupportedPrecision(rung))
      return emitError() << "rung " << index << " (" << rung
                         << ") is not a supported precision; expected one of "
                         << kSupportedPrecisions;
    if (index > 0 && precisionRank(rung) >= precisionRank(rungs[index - 1]))
      return emitError() << "rung " << index << " (" << rung
                         << ") must be less precise than rung " << index - 1
                         << " (" << rungs[index - 1]
                         << "): a ladder's precisions strictly decrease "
                            "(f32 > f16 > bf16 > f8E4M3FN > f8E5M2)";
  }
  return success();
}

// #dps.ladder<[type, ...]>
Attribute LadderAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<Type> rungs;
  if (parser.parseLess() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseType(rungs.emplace_back());
      }) ||
      parser.parseGreater())
    return {};
  return LadderAttr::getChecked([&] { return parser.emitError(loc); },
                                parser.getContext(), ArrayRef<Type>(rungs));
}

void LadderAttr::print(AsmPrinter &printer) const {
  printer << "<[";
  llvm::interleaveComma(getRungs(), printer);
  printer << "]>";
}

int64_t LadderAttr::indexOf(Type type) const {
  auto it = llvm::find(getRungs(), type);
  return it == getRungs().end() ? -1 : it - getRungs().begin();
}
