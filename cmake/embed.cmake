# Writes OUT, a C++ file defining `const std::string_view NAME` in app::dashboard::assets holding the
# bytes of IN (the dashboard's own CSS and JS, built into the program).
#   cmake -DIN=file -DOUT=file.cpp -DNAME=identifier -P cmake/embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
file(WRITE "${OUT}" "// Generated from ${IN} by cmake/embed.cmake; do not edit.\n#include <string_view>\n"
     "namespace app::dashboard::assets {\nnamespace {\nconstexpr char ${NAME}_bytes[] = {${body}};\n}\n"
     "extern const std::string_view ${NAME};\nconst std::string_view ${NAME}{${NAME}_bytes, ${bytes}};\n}\n")
