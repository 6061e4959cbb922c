/* 换届通 · the hall's big screen (大屏): draws the running count from the JSON state the page
 * carries (#hall-state) and polls the feed (data-feed) about once a second, one request at a
 * time. Everything is written with textContent: a name is never read as HTML.
 *
 * Layout: each post is a heading and one row per candidate (name, bar, votes), then the
 * write-ins. The rows flow into at most three columns, a post kept whole in one column while
 * that leaves rows of 80 px; the row height is the board's height divided by the rows a column
 * holds (at least 8, so a screen with few names has huge ones), and every font size follows
 * the row height (hall.css): names 0.64 of it, votes 0.82.
 */
(function () {
  "use strict";

  var POLL_MS = 800; // an entry shows within a second
  var RETRY_MS = 3000;
  var MIN_CAP = 8; // rows per column at most when the names are few
  var WHOLE_SLOT = 80; // px: posts are kept whole while the rows stay this tall (64 px numbers)
  var MAX_CAP = 16;
  var MAX_COLUMNS = 3;
  var MAX_SLOT = 118; // px

  var root = document.getElementById("hall");
  var board = document.getElementById("hall-board");
  var resultBox = document.getElementById("hall-result");
  var statusEl = document.getElementById("hall-status");
  var ballotsEl = document.getElementById("hall-ballots");
  var updatedEl = document.getElementById("hall-updated");
  var linkEl = document.getElementById("hall-link");
  var feed = root.getAttribute("data-feed");
  var source = document.getElementById("hall-state");
  var lastText = source ? source.textContent : "";
  var state = lastText ? JSON.parse(lastText) : null;

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

  function groupsOf(s) {
    return s.posts.map(function (post) {
      var elected = post.elected || [];
      var rows = post.candidates.map(function (c) {
        return { kind: "candidate", name: c.name, votes: c.votes, elected: elected.indexOf(c.name) >= 0 };
      });
      post.write_ins.forEach(function (w) {
        rows.push({ kind: "write-in", name: w.name, votes: w.votes, elected: elected.indexOf(w.name) >= 0 });
      });
      var more = post.write_ins_more || { people: 0, votes: 0 };
      if (more.people) {
        rows.push({ kind: "more", name: "其他另选 " + more.people + " 人", votes: more.votes, elected: false });
      }
      return { post: post, rows: rows };
    });
  }

  // Columns of `cap` entries: {head: post, cont: bool} or a row. The posts follow one another,
  // each starting a new column when it fits one but not what is left; a post longer than a
  // column continues in the next under a "（续）" heading (a split).
  function flow(groups, cap) {
    var cols = [];
    var col = null;
    var used = 0;
    var splits = 0;
    function next() {
      col = [];
      cols.push(col);
      used = 0;
    }
    groups.forEach(function (g) {
      var need = g.rows.length + 1;
      if (col === null || cap - used < 2 || (need <= cap && used + need > cap)) {
        next();
      }
      col.push({ head: g.post, cont: false });
      used += 1;
      g.rows.forEach(function (row) {
        if (used >= cap) {
          next();
          col.push({ head: g.post, cont: true });
          used += 1;
          splits += 1;
        }
        col.push(row);
        used += 1;
      });
    });
    return { cap: cap, cols: cols, splits: splits };
  }

  // The fewest rows per column (the largest rows) that fit the board in three columns, keeping
  // each post whole while the rows stay WHOLE_SLOT tall.
  function layout(groups, height) {
    var wholeCap = Math.max(MIN_CAP, Math.floor(height / WHOLE_SLOT));
    var tallest = 0;
    groups.forEach(function (g) {
      tallest = Math.max(tallest, g.rows.length + 1);
    });
    if (groups.length <= MAX_COLUMNS && tallest <= wholeCap) {
      return {
        cap: Math.max(MIN_CAP, tallest),
        cols: groups.map(function (g) {
          return [{ head: g.post, cont: false }].concat(g.rows);
        }),
      };
    }
    var first = null;
    for (var cap = MIN_CAP; cap <= MAX_CAP; cap += 1) {
      var plan = flow(groups, cap);
      if (plan.cols.length > MAX_COLUMNS) {
        continue;
      }
      if (!plan.splits && cap <= wholeCap) {
        return plan;
      }
      first = first || plan;
    }
    return first || flow(groups, MAX_CAP);
  }

  function heading(post, cont) {
    var head = el("div", "hall-post-head");
    head.appendChild(el("span", "hall-post-name", post.label + (cont ? "（续）" : "")));
    head.appendChild(el("span", "hall-post-seats", "应选" + post.seats + "名"));
    if (post.women_only) {
      head.appendChild(el("span", "hall-post-women", "限选妇女"));
    }
    return head;
  }

  function row(entry, denominator) {
    var node = el("div", "hall-row is-" + entry.kind + (entry.elected ? " is-elected" : ""));
    var name = el("div", "hall-name", entry.name);
    // Four characters at full size; a longer name (阿卜杜热合曼) is set smaller to fit.
    if (entry.kind !== "more" && entry.name.length > 4) {
      name.style.setProperty("--name-scale", String(Math.max(0.3, 2.55 / entry.name.length)));
    }
    node.appendChild(name);
    var track = el("div", "hall-track");
    if (entry.kind === "write-in") {
      track.appendChild(el("span", "hall-tag", "另选"));
    }
    var bar = el("div", "hall-bar");
    var fill = el("div", "hall-bar-fill");
    fill.style.width = (denominator ? Math.min(100, (100 * entry.votes) / denominator) : 0) + "%";
    bar.appendChild(fill);
    track.appendChild(bar);
    node.appendChild(track);
    var badge = el("div", "hall-badge");
    if (entry.elected) {
      badge.appendChild(el("span", "hall-elected", "当选"));
    }
    node.appendChild(badge);
    node.appendChild(el("div", "hall-votes", entry.votes));
    return node;
  }

  function drawBoard(s) {
    var groups = groupsOf(s);
    var top = 0;
    groups.forEach(function (g) {
      g.rows.forEach(function (r) {
        top = Math.max(top, r.votes);
      });
    });
    var denominator = Math.max(s.ballots_counted || 0, top);
    var style = window.getComputedStyle(board);
    var height = board.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    height = height || window.innerHeight * 0.7;
    var plan = layout(groups, height);
    var slot = Math.min(MAX_SLOT, Math.floor(height / plan.cap));
    board.className = "hall-board" + (s.result ? " has-result" : "");
    board.style.setProperty("--slot", slot + "px");
    board.style.setProperty("--cols", String(Math.max(1, plan.cols.length)));
    var frag = document.createDocumentFragment();
    plan.cols.forEach(function (entries) {
      var column = el("div", "hall-col");
      entries.forEach(function (entry) {
        column.appendChild(entry.head ? heading(entry.head, entry.cont) : row(entry, denominator));
      });
      frag.appendChild(column);
    });
    while (board.firstChild) {
      board.removeChild(board.firstChild);
    }
    board.appendChild(frag);
  }

  function drawResult(s) {
    while (resultBox.firstChild) {
      resultBox.removeChild(resultBox.firstChild);
    }
    var result = s.result;
    if (!result) {
      resultBox.hidden = true;
      return;
    }
    if (!result.valid) {
      resultBox.appendChild(el("div", "hall-void", "本次投票无效"));
    }
    if (result.elected.length) {
      var line = el("div", "hall-result-line");
      line.appendChild(el("strong", null, "当选："));
      line.appendChild(
        el(
          "span",
          null,
          result.elected
            .map(function (p) {
              return p.label + " " + p.names.join("、");
            })
            .join("；")
        )
      );
      resultBox.appendChild(line);
    }
    if (result.next.length) {
      var next = el("div", "hall-result-line");
      next.appendChild(el("strong", null, "下一步："));
      next.appendChild(el("span", null, result.next.join("；")));
      resultBox.appendChild(next);
    }
    resultBox.hidden = !resultBox.firstChild;
  }

  function time(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) {
      return "";
    }
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }

  function draw(s) {
    statusEl.textContent = s.status_label;
    statusEl.className = "hall-status hall-status-" + s.status;
    ballotsEl.textContent = String(s.ballots_counted);
    updatedEl.textContent = s.updated ? "计票数据更新于 " + time(s.updated) : "";
    drawResult(s); // first: it takes the board's height
    drawBoard(s);
  }

  function online(ok, words) {
    linkEl.textContent = words;
    linkEl.className = "hall-link" + (ok ? "" : " is-down");
  }

  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", feed, true);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status === 404) {
        online(false, "大屏链接已失效，请联系乡镇工作人员");
        return; // revoked: stop asking
      }
      if (xhr.status !== 200) {
        online(false, "连接中断，正在重试…");
        window.setTimeout(poll, RETRY_MS);
        return;
      }
      if (xhr.responseText !== lastText) {
        lastText = xhr.responseText;
        state = JSON.parse(lastText);
        draw(state);
      }
      online(true, "实时");
      window.setTimeout(poll, POLL_MS);
    };
    xhr.onerror = function () {
      online(false, "连接中断，正在重试…");
      window.setTimeout(poll, RETRY_MS);
    };
    xhr.send();
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      if (state) {
        drawBoard(state);
      }
    }, 150);
  });

  if (state) {
    draw(state);
  }
  online(true, "实时");
  window.setTimeout(poll, POLL_MS);
})();
