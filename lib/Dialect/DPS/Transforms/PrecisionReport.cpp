//===- PrecisionReport.cpp - which ops run at which precision --------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/ToolOutputFile.h"

#include <map>

namespace mlir::dps {
#define GEN_PASS_DEF_DPSPRECISIONREPORT
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

/// The element type an op computes at: its first float tensor result's, or
/// its first float tensor operand's.
Type computeType(Operation *op) {
  for (ValueRange values : {ValueRange(op->getResults()),
                            ValueRange(op->getOperands())})
    for (Value value : values)
      if (auto tensor = dyn_cast<RankedTensorType>(value.getType()))
        if (isa<FloatType>(tensor.getElementType()))
          return tensor.getElementType();
  return {};
}

/// "a x2, b x1" from counts.
std::string listCounts(const std::map<std::string, unsigned> &counts) {
  std::string text;
  for (auto [name, count] : counts)
    text += (text.empty() ? "" : ", ") + name + " x" + std::to_string(count);
  return text;
}

struct DPSPrecisionReportPass
    : public dps::impl::DPSPrecisionReportBase<DPSPrecisionReportPass> {
  using DPSPrecisionReportBase::DPSPrecisionReportBase;

  void runOnOperation() override {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(output, &error);
    if (!file) {
      getOperation().emitError() << "cannot write the precision report: "
                                 << error;
      return signalPassFailure();
    }
    llvm::raw_ostream &os = file->os();
    for (func::FuncOp kernel : getOperation().getOps<func::FuncOp>()) {
      auto kind =
          kernel->getAttrOfType<KernelKindAttr>(DPSDialect::kKernelAttrName);
      if (!kind)
        continue;
      auto precision = kernel->getAttrOfType<PrecisionAttr>(
          DPSDialect::kPrecisionAttrName);
      os << "kernel " << kernel.getSymName() << " ("
         << stringifyKernelKind(kind.getValue()) << ", "
         << (precision ? typeName(precision.getElementType()) : "?") << ")\n";
      // precision -> op name -> count; "from -> to" -> consumers
      std::map<std::string, std::map<std::string, unsigned>> ops;
      std::map<std::string, std::map<std::string, unsigned>> casts;
      kernel.walk([&](Operation *op) {
        if (!isa<DPSDialect>(op->getDialect()))
          return;
        if (auto cast = dyn_cast<CastOp>(op)) {
          std::string key =
              typeName(cast.getInput().getType().getElementType()) + " -> " +
              typeName(cast.getType().getElementType());
          if (cast.getScale())
            key += " scaled";
          if (cast.getSaturate())
            key += " saturating";
          auto &consumers = casts[key];
          for (Operation *user : cast->getUsers())
            ++consumers[user->getName().getStringRef().str()];
          if (cast->use_empty())
            ++consumers["(result)"];
          return;
        }
        Type type = computeType(op);
        ++ops[type ? typeName(type) : "-"][op->getName().getStringRef().str()];
      });
      for (auto &[type, counts] : ops)
        os << llvm::format("  %-9s ", type.c_str()) << listCounts(counts)
           << "\n";
      for (auto &[key, consumers] : casts) {
        unsigned total = 0;
        for (auto &entry : consumers)
          total += entry.second;
        os << "  cast      " << key << " x" << total << " (into "
           << listCounts(consumers) << ")\n";
      }
    }
    file->keep();
    markAllAnalysesPreserved();
  }
};

} // namespace
