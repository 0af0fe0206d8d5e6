# Renders `vramplan sweep --plot` in headless Chromium and checks the picture, not just the text:
# the SVG loads as an image of the size it declares, is drawn onto a canvas, and the pixels show
# ink, one colour per max-model-len line, and the shaded "vLLM fails to start" region.
# Run: cmake -DVRAMPLAN=… -DSRC=… -DWORK=… [-DCHROMIUM=…] -P render_svg.cmake
if(NOT CHROMIUM)
  find_program(CHROMIUM NAMES chromium chromium-browser google-chrome headless_shell)
endif()
if(NOT CHROMIUM)
  message(FATAL_ERROR "headless Chromium not found (scripts/deps.sh installs Debian's chromium)")
endif()
file(MAKE_DIRECTORY "${WORK}")
set(svg "${WORK}/sweep.svg")
execute_process(COMMAND "${VRAMPLAN}" --profiles tests/data/profiles sweep --gpu golden-a10 --model golden-qwen2.5-1.5b --vllm-version 0.19.0
                        --gpu-memory-utilization 0.1:0.95:0.05 --max-model-len 1024,8192,32768 --plot "${svg}"
                WORKING_DIRECTORY "${SRC}" OUTPUT_QUIET RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "sweep --plot exited ${code}")
endif()
file(READ "${svg}" text)
if(text MATCHES "`" OR text MATCHES "\\\\" OR NOT text MATCHES "^<svg ")
  message(FATAL_ERROR "the SVG has characters the test page cannot embed, or does not start with <svg")
endif()
string(REGEX MATCH "width=\"([0-9]+)\" height=\"([0-9]+)\"" size "${text}")
set(want_w "${CMAKE_MATCH_1}")
set(want_h "${CMAKE_MATCH_2}")
file(WRITE "${WORK}/render.html" "<!doctype html><html><body><pre id=\"r\">PENDING</pre><script>
const svg = String.raw`${text}`;
const img = new Image();
img.onload = () => {
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let ink = 0; const near = (i, r, gg, b) => Math.abs(d[i]-r) < 40 && Math.abs(d[i+1]-gg) < 40 && Math.abs(d[i+2]-b) < 40;
  let blue = 0, red = 0, green = 0, shade = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 245 || d[i+1] < 245 || d[i+2] < 245) ink++;
    if (near(i, 0x1f, 0x77, 0xb4)) blue++;
    if (near(i, 0xd6, 0x27, 0x28)) red++;
    if (near(i, 0x2c, 0xa0, 0x2c)) green++;
    if (Math.abs(d[i]-0xf4) < 6 && Math.abs(d[i+1]-0xcc) < 6 && Math.abs(d[i+2]-0xcc) < 6) shade++;
  }
  document.getElementById('r').textContent = 'RESULT w=' + c.width + ' h=' + c.height + ' ink=' + ink + ' blue=' + blue + ' red=' + red + ' green=' + green + ' shade=' + shade;
};
img.onerror = () => { document.getElementById('r').textContent = 'RESULT error'; };
img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
</script></body></html>
")
execute_process(COMMAND "${CHROMIUM}" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --virtual-time-budget=10000
                        --dump-dom "file://${WORK}/render.html"
                OUTPUT_VARIABLE dom ERROR_VARIABLE err RESULT_VARIABLE code TIMEOUT 120)
string(REGEX MATCH "RESULT[^<]*" result "${dom}")
message("chromium: ${result}")
if(NOT result MATCHES "RESULT w=([0-9]+) h=([0-9]+) ink=([0-9]+) blue=([0-9]+) red=([0-9]+) green=([0-9]+) shade=([0-9]+)")
  message(FATAL_ERROR "Chromium did not render the SVG (exit ${code}): ${result} ${err}")
endif()
set(w ${CMAKE_MATCH_1})
set(h ${CMAKE_MATCH_2})
set(ink ${CMAKE_MATCH_3})
math(EXPR area "${w} * ${h}")
math(EXPR ink_permille "${ink} * 1000 / ${area}")
set(failed "")
if(NOT w EQUAL want_w OR NOT h EQUAL want_h)
  string(APPEND failed " size ${w}x${h} != ${want_w}x${want_h};")
endif()
if(ink_permille LESS 10 OR ink_permille GREATER 600)
  string(APPEND failed " ink ${ink_permille} per mille is not a chart;")
endif()
foreach(pair "blue;${CMAKE_MATCH_4}" "red;${CMAKE_MATCH_5}" "green;${CMAKE_MATCH_6}" "shade;${CMAKE_MATCH_7}")
  list(GET pair 0 name)
  list(GET pair 1 count)
  if(count LESS 50)
    string(APPEND failed " too few ${name} pixels (${count});")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "rendered SVG check failed:${failed}")
endif()
