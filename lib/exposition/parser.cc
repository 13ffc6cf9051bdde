#include "exposition/parser.h"

#include "exposition/protobuf_parser.h"
#include "exposition/text_parser.h"

namespace promotel::exposition {

std::unique_ptr<Parser> make_parser(Reader& input, ParseOptions options) {
  if (options.format == Format::kProtobuf) return std::make_unique<ProtobufParser>(input, options);
  return std::make_unique<TextParser>(input, options);
}

}  // namespace promotel::exposition
