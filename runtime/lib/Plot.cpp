//===- Plot.cpp - an SVG of a run: precision mix, error and accuracy -------===//
#include "dps/runtime/Trainer.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

using namespace dps::rt;

std::string dps::rt::svgPlot(const RunReport &report, const std::string &title) {
  const int width = 760, height = 420, left = 60, right = 150, top = 40,
            bottom = 50;
  const int plotW = width - left - right, plotH = height - top - bottom;
  size_t n = std::max<size_t>(report.epochs.size(), 1);
  double slot = double(plotW) / n;
  static const std::map<std::string, std::string> colours = {
      {"f32", "#1f4e79"}, {"f16", "#2e86c1"}, {"bf16", "#5dade2"},
      {"f8E4M3FN", "#f5b041"}, {"f8E5M2", "#f8c471"}};
  std::ostringstream svg;
  char buf[256];
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
      << "\" height=\"" << height << "\" font-family=\"sans-serif\" "
      << "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      << "fill=\"white\"/>\n<text x=\"" << left << "\" y=\"22\" "
      << "font-size=\"15\">" << title << "</text>\n";
  // Stacked bars: each epoch's share of samples per precision.
  for (size_t e = 0; e < report.epochs.size(); ++e) {
    const EpochReport &epoch = report.epochs[e];
    size_t total = 0;
    for (const SubsetReport &s : epoch.subsets)
      total += s.samples;
    double y = top + plotH;
    for (const SubsetReport &s : epoch.subsets) {
      double h = total ? plotH * double(s.samples) / total : 0;
      y -= h;
      auto colour = colours.count(s.precision) ? colours.at(s.precision)
                                               : std::string("#999");
      std::snprintf(buf, sizeof(buf),
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"%s\"/>\n",
                    left + e * slot + slot * 0.1, y, slot * 0.8, h,
                    colour.c_str());
      svg << buf;
    }
    if (epoch.rollback) {
      std::snprintf(buf, sizeof(buf),
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">R</text>\n",
                    left + (e + 0.5) * slot, top - 4);
      svg << buf;
    }
    std::snprintf(buf, sizeof(buf),
                  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
                  left + (e + 0.5) * slot, top + plotH + 16, epoch.epoch);
    svg << buf;
  }
  // Curves: validation error and test accuracy on [0, 1].
  auto curve = [&](auto value, const char *colour) {
    svg << "<polyline fill=\"none\" stroke=\"" << colour
        << "\" stroke-width=\"2.5\" points=\"";
    for (size_t e = 0; e < report.epochs.size(); ++e) {
      std::snprintf(buf, sizeof(buf), "%.1f,%.1f ", left + (e + 0.5) * slot,
                    top + plotH * (1 - value(report.epochs[e])));
      svg << buf;
    }
    svg << "\"/>\n";
  };
  curve([](const EpochReport &e) { return e.testAccuracy; }, "#1e8449");
  curve([](const EpochReport &e) { return e.validationError; }, "#c0392b");
  // Axes and legend.
  svg << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left
      << "\" y2=\"" << top + plotH << "\" stroke=\"black\"/>\n";
  for (int tick = 0; tick <= 4; ++tick) {
    std::snprintf(buf, sizeof(buf),
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n",
                  left - 6, top + plotH * (1 - tick / 4.0) + 4, tick / 4.0);
    svg << buf;
  }
  std::snprintf(buf, sizeof(buf),
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">epoch</text>\n",
                left + plotW / 2.0, height - 12);
  svg << buf;
  int ly = top;
  auto legend = [&](const std::string &colour, const std::string &label) {
    svg << "<rect x=\"" << width - right + 15 << "\" y=\"" << ly
        << "\" width=\"14\" height=\"14\" fill=\"" << colour << "\"/>"
        << "<text x=\"" << width - right + 35 << "\" y=\"" << ly + 12 << "\">"
        << label << "</text>\n";
    ly += 22;
  };
  for (const char *p : {"f32", "f16", "bf16", "f8E4M3FN", "f8E5M2"})
    for (const EpochReport &e : report.epochs)
      if (std::any_of(e.subsets.begin(), e.subsets.end(),
                      [&](const SubsetReport &s) { return s.precision == p; })) {
        legend(colours.at(p), std::string(p) + " samples");
        break;
      }
  legend("#1e8449", "test accuracy");
  legend("#c0392b", "validation error");
  svg << "</svg>\n";
  return svg.str();
}
