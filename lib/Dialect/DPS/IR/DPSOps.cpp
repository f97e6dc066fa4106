//===- DPSOps.cpp - generated op definitions -------------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::dps;

/// `: T` when both operands have type T, else `: T1, T2`.
static ParseResult parseOperandTypes(OpAsmParser &parser, Type &lhs,
                                     Type &rhs) {
  if (parser.parseType(lhs))
    return failure();
  rhs = lhs;
  if (succeeded(parser.parseOptionalComma()))
    return parser.parseType(rhs);
  return success();
}

static void printOperandTypes(OpAsmPrinter &printer, Operation *, Type lhs,
                              Type rhs) {
  printer << lhs;
  if (rhs != lhs)
    printer << ", " << rhs;
}

#define GET_OP_CLASSES
#include "dps/Dialect/DPS/IR/DPSOps.cpp.inc"

#include "dps/Dialect/DPS/IR/DPSInterfaces.cpp.inc"
