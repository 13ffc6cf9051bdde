#pragma once

// A stream of OpenMetrics documents (each ending with a "# EOF" line), as promscrape writes
// one per scrape for several targets or repeated scrapes, read one document at a time: read()
// returns the bytes of the current document up to and including its "# EOF" line, then 0;
// next_document() moves on to the next one.

#include <string>

#include "common/input.h"

namespace promotel::promreceiver {

class OpenMetricsDocuments : public Reader {
 public:
  explicit OpenMetricsDocuments(Reader& input);

  size_t read(char* buffer, size_t size) override;
  // "<input>" for the first document, "<input> (document N)" for the others.
  const std::string& name() const override { return name_; }

  // Starts the next document; false when the input has no more bytes.
  bool next_document();

 private:
  bool fill();  // reads more input; false at its end

  Reader& input_;
  std::string name_;
  std::string buffer_;
  size_t pos_ = 0;          // next byte to hand out
  size_t scanned_ = 0;      // lines before this offset are known not to be "# EOF"
  size_t document_end_ = std::string::npos;  // end of the current document in buffer_
  bool input_done_ = false;
  bool document_done_ = false;
  size_t documents_ = 1;
};

}  // namespace promotel::promreceiver
