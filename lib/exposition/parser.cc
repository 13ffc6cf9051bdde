#include "exposition/parser.h"

#include "exposition/text_parser.h"

namespace promotel::exposition {

std::unique_ptr<Parser> make_parser(Reader& input, ParseOptions options) {
  if (options.format == Format::kProtobuf)
    throw Error("the protobuf exposition decoder is not built into this version");
  return std::make_unique<TextParser>(input, options);
}

}  // namespace promotel::exposition
