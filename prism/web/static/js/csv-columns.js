// Offers the chosen CSV file's column names to the mapping fields (read from its first line in
// the browser; nothing is sent until the form is).
(function () {
  document.querySelectorAll("input[type=file][data-columns]").forEach(function (input) {
    var list = document.getElementById(input.dataset.columns);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file || !list) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        var text = String(reader.result).replace(/^\uFEFF/, "");
        var header = text.split(/\r?\n/)[0] || "";
        var names = [], cell = "", quoted = false;
        for (var i = 0; i < header.length; i++) {
          var c = header[i];
          if (c === '"') { if (quoted && header[i + 1] === '"') { cell += c; i++; } else { quoted = !quoted; } }
          else if (c === "," && !quoted) { names.push(cell.trim()); cell = ""; }
          else { cell += c; }
        }
        names.push(cell.trim());
        list.innerHTML = "";
        names.filter(Boolean).forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          list.appendChild(option);
        });
      };
      reader.readAsText(file.slice(0, 65536));
    });
  });
}());
