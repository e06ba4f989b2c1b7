// Live updates of one conversation: new citizen messages every 2 seconds, replies without reload.
// Text is always set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var list = document.getElementById("transcript");
  if (!list) return;
  var handover = list.getAttribute("data-handover");
  // The words come from the page (bot/console/labels), never from this file.
  var labels = JSON.parse(list.getAttribute("data-labels"));

  function render(messages) {
    var items = [];
    messages.forEach(function (m) {
      var li = document.createElement("li");
      li.className = "from-" + m.sender;
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = (m.sender === "staff" && m.staff_name) || labels.senders[m.sender];
      var time = document.createElement("time");
      time.textContent = (m.sent_at || "").slice(11, 16);
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = m.text;
      li.appendChild(who); li.appendChild(document.createTextNode(" ")); li.appendChild(time);
      li.appendChild(document.createTextNode(" ")); li.appendChild(text);
      items.push(li);
    });
    if (items.length !== list.children.length) {
      list.replaceChildren.apply(list, items);
    }
  }

  function refresh() {
    fetch("/staff/api/handovers/" + encodeURIComponent(handover) + "/messages", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        render(data.messages);
        document.getElementById("status").textContent = labels.statuses[data.handover.status];
      })
      .catch(function () {});
  }
  setInterval(refresh, 2000);

  var form = document.getElementById("reply");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = new URLSearchParams(new FormData(form));
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                           headers: { "X-CSRF-Token": form.elements.csrf.value } })
        .then(function (r) {
          // A refused or undelivered reply is said beside the form, and its text stays to send again.
          var status = document.getElementById("reply-status");
          if (r.ok) { status.textContent = ""; form.elements.text.value = ""; refresh(); return; }
          return r.json().then(function (body) { status.textContent = body.error; },
                               function () { status.textContent = labels.errors.reply_not_sent; });
        }, function () {
          document.getElementById("reply-status").textContent = labels.errors.reply_no_connection;
        });
    });
  }
})();
