/* 换届通 · the count's entry screens, keyboard only.
 *
 * The ballot screen (唱票, #hj-ballot-form): each line is posted as it is typed when Enter is
 * pressed (the server parses it: polls.services.entry.parse_command) and answered in JSON; the
 * ballot read back is shown at once, added to the recent list and to this entry's running
 * totals (a correction or an undo brings the totals from the server). An empty line is a blank
 * ballot only when Enter is pressed twice. Escape clears the line. Without this script the
 * form posts as usual and the page comes back with a message.
 *
 * The sheet form (form.hj-keyed): Enter moves to the next field; on the last one it saves.
 * A button with data-hj-confirm asks before it submits. Text is always written with
 * textContent: a typed name is never read as HTML.
 */
(function () {
  "use strict";

  var RECENT = 20;

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-hj-confirm]");
    if (button && !window.confirm(button.getAttribute("data-hj-confirm"))) {
      event.preventDefault();
    }
  });

  // The sheet form: Enter goes on to the next field.
  Array.prototype.forEach.call(document.querySelectorAll("form.hj-keyed"), function (form) {
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT") {
        return;
      }
      var inputs = Array.prototype.filter.call(form.querySelectorAll("input"), function (i) {
        return i.type !== "hidden" && !i.disabled;
      });
      var at = inputs.indexOf(event.target);
      if (at >= 0 && at < inputs.length - 1) {
        event.preventDefault();
        inputs[at + 1].focus();
        inputs[at + 1].select();
      }
    });
  });

  var form = document.getElementById("hj-ballot-form");
  if (!form) {
    return;
  }
  var input = document.getElementById("hj-ballot-text");
  var seqInput = document.getElementById("hj-seq");
  var seqLabel = document.getElementById("hj-seq-label");
  var errorBox = document.getElementById("hj-entry-error");
  var echo = document.getElementById("hj-entry-echo");
  var recent = document.getElementById("hj-recent");
  var votesBody = document.getElementById("hj-totals-votes");
  var layout = JSON.parse(document.getElementById("hj-entry-layout").textContent);
  var totals = JSON.parse(document.getElementById("hj-entry-totals").textContent);
  var blankArmed = false;
  var busy = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) {
      node.className = cls;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function drawTotals() {
    ["returned", "valid", "invalid", "blank"].forEach(function (key) {
      var node = document.querySelector('[data-total="' + key + '"]');
      if (node) {
        node.textContent = String(totals[key] || 0);
      }
    });
    while (votesBody.firstChild) {
      votesBody.removeChild(votesBody.firstChild);
    }
    layout.posts.forEach(function (post) {
      var head = el("tr", "table-light");
      var th = el("th", null, post.label);
      th.colSpan = 2;
      head.appendChild(th);
      votesBody.appendChild(head);
      var byName = (totals.votes && totals.votes[post.post]) || {};
      var names = post.names.slice();
      Object.keys(byName).sort().forEach(function (name) {
        if (names.indexOf(name) < 0) {
          names.push(name);
        }
      });
      names.forEach(function (name) {
        var row = el("tr");
        var printed = post.names.indexOf(name) >= 0;
        row.appendChild(el("td", null, printed ? name : name + "（另选）"));
        row.appendChild(el("td", "text-end", byName[name] || 0));
        votesBody.appendChild(row);
      });
    });
  }

  function addBallot(ballot) {
    totals.returned = (totals.returned || 0) + 1;
    if (ballot.invalid) {
      totals.invalid = (totals.invalid || 0) + 1;
      return;
    }
    totals.valid = (totals.valid || 0) + 1;
    var marked = false;
    totals.votes = totals.votes || {};
    Object.keys(ballot.picks || {}).forEach(function (post) {
      var byName = totals.votes[post] = totals.votes[post] || {};
      ballot.picks[post].forEach(function (name) {
        byName[name] = (byName[name] || 0) + 1;
        marked = true;
      });
    });
    if (!marked) {
      totals.blank = (totals.blank || 0) + 1;
    }
  }

  function showRecent(seq, words) {
    var empty = recent.querySelector(".hj-empty");
    if (empty) {
      recent.removeChild(empty);
    }
    var item = el("li", "list-group-item py-1");
    item.setAttribute("data-seq", String(seq));
    item.appendChild(el("span", "text-muted", "第" + seq + "张"));
    item.appendChild(document.createTextNode(" " + words));
    var old = recent.querySelector('[data-seq="' + seq + '"]');
    if (old) {  // a retyped ballot keeps its place in the list
      recent.replaceChild(item, old);
      return;
    }
    recent.insertBefore(item, recent.firstChild);
    while (recent.children.length > RECENT) {
      recent.removeChild(recent.lastChild);
    }
  }

  function dropRecent(seq) {
    var old = recent.querySelector('[data-seq="' + seq + '"]');
    if (old) {
      recent.removeChild(old);
    }
  }

  function setSeq(next) {
    seqInput.value = String(next);
    if (seqLabel) {
      seqLabel.textContent = String(next);
    }
  }

  function fail(message) {
    errorBox.textContent = message;
    echo.textContent = "";
    input.focus();
    input.select();
  }

  function answer(data) {
    errorBox.textContent = "";
    if (data.kind === "undo") {
      dropRecent(data.seq);
      setSeq(data.seq);
      echo.textContent = "已撤销第" + data.seq + "张";
    } else {
      showRecent(data.seq, data.words);
      echo.textContent = "第" + data.seq + "张：" + data.words;
      if (data.kind === "enter") {
        addBallot(data.ballot);
        setSeq(data.next);
      }
    }
    if (data.totals) {
      totals = data.totals;
    }
    drawTotals();
    input.value = "";
    input.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    var text = input.value.trim();
    if (text === "" && !blankArmed) {
      blankArmed = true;
      errorBox.textContent = "";
      echo.textContent = "空行为弃权票：再按一次回车确认";
      return;
    }
    blankArmed = false;
    busy = true;
    var body = new FormData(form);
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, error: "服务器没有正确回应（" + response.status + "），请重试" };
      });
    }).then(function (data) {
      if (data.ok) {
        answer(data);
      } else {
        fail(data.error || "未能录入，请重试");
      }
    }).catch(function () {
      fail("网络中断，未能录入：请检查后重新回车");
    }).then(function () {
      busy = false;
    });
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      input.value = "";
      blankArmed = false;
      errorBox.textContent = "";
      echo.textContent = "";
    } else if (event.key !== "Enter") {
      blankArmed = false;
    }
  });

  drawTotals();
  input.focus();
  var end = input.value.length;
  input.setSelectionRange(end, end);
})();
