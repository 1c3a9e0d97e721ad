/* The modeler's side panel for what SpiffWorkflow runs: sequence-flow conditions, script
   tasks, pre- and post-scripts, timers, multi-instance settings, messages with their
   correlation, and the process a call activity calls. Every edit is a bpmn-js command, so
   undo works and the page knows there are unsaved changes. Python is checked while it is
   typed by the server, which only parses it (POST checkUrl); deploy checks it again.
   modeler.js calls window.spbeProperties(modeler, data, field) once the modeler exists. */
(function () {
  "use strict";

  const TIMER_KINDS = ["timeDuration", "timeDate", "timeCycle"];
  const DURATION = /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
  const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  const NAME = /^[A-Za-z_][\w.-]*$/;
  const THROWING = ["bpmn:IntermediateThrowEvent", "bpmn:EndEvent", "bpmn:SendTask"];

  function isIso(kind, value) {
    if (kind === "timeDuration") return DURATION.test(value);
    if (kind === "timeDate") return DATE.test(value);
    const parts = value.split("/");
    return /^R\d*$/.test(parts[0]) && parts.length > 1 &&
      parts.slice(1).every((part) => DURATION.test(part) || DATE.test(part));
  }

  window.spbeProperties = function (modeler, data, field) {
    const M = data.messages;
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const get = (name) => modeler.get(name);
    const is = (bo, type) => Boolean(bo) && bo.$instanceOf(type);
    const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
    const pending = {};
    let current = null;

    /* ---- small moddle helpers ---- */
    function expression(text) {
      return text ? get("moddle").create("bpmn:FormalExpression", { body: text }) : undefined;
    }

    function body(value) {
      return value && value.body ? value.body : "";
    }

    function eventDefinition(bo, type) {
      return (bo.eventDefinitions || []).find((d) => d.$instanceOf(type)) || null;
    }

    function extensions(owner, type) {
      const ext = owner.extensionElements;
      return ext ? ext.get("values").filter((v) => v.$instanceOf(type)) : [];
    }

    /* Replace `owner`'s extension elements of `type` by `created` (none: remove them). */
    function setExtensions(owner, type, created) {
      const modeling = get("modeling");
      let ext = owner.extensionElements;
      if (!ext && created.length === 0) return;
      if (!ext) {
        ext = get("moddle").create("bpmn:ExtensionElements", { values: [] });
        modeling.updateModdleProperties(current, owner, { extensionElements: ext });
      }
      const kept = ext.get("values").filter((v) => !v.$instanceOf(type));
      modeling.updateModdleProperties(current, ext, { values: kept.concat(created) });
    }

    function setExtensionText(owner, type, text) {
      const found = extensions(owner, type)[0];
      if (found && text) get("modeling").updateModdleProperties(current, found, { value: text });
      else setExtensions(owner, type, text ? [get("moddle").create(type, { value: text })] : []);
    }

    function definitionsOf(bo) {
      let node = bo;
      while (node && !node.$instanceOf("bpmn:Definitions")) node = node.$parent;
      return node;
    }

    function taken(id, defs) {
      return Boolean(get("elementRegistry").get(id)) ||
        defs.get("rootElements").some((e) => e.id === id) ||
        Boolean(get("moddle").ids && get("moddle").ids.assigned(id));
    }

    /* ---- Python checked as it is typed ---- */
    function showCheck(target, problems, input) {
      if (problems === null) {
        target.textContent = "";
        target.className = "hint";
        input.removeAttribute("aria-invalid");
        return;
      }
      const ok = problems.length === 0;
      target.className = ok ? "hint" : "error";
      input.setAttribute("aria-invalid", String(!ok));
      target.textContent = ok ? M.codeOk : problems.map((p) => {
        if (p.line && p.column) return fmt(M.codeAt, p);
        if (p.line) return fmt(M.codeLine, p);
        return p.message;
      }).join("; ");
    }

    function checkAsTyped(input, target, mode) {
      clearTimeout(pending[input.id]);
      const code = input.value;
      if (!code.trim()) {
        showCheck(target, null, input);
        return;
      }
      pending[input.id] = setTimeout(async () => {
        let answer = null;
        try {
          const response = await fetch(data.checkUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
            body: JSON.stringify({ code: code, mode: mode }),
          });
          answer = response.ok ? await response.json() : null;
        } catch (err) {
          answer = null;
        }
        if (answer && input.value === code) showCheck(target, answer.problems, input);
      }, 250);
    }

    function checked(inputId, mode, write) {
      const input = field(inputId);
      const target = field(inputId + "-check");
      input.addEventListener("input", () => checkAsTyped(input, target, mode));
      input.addEventListener("change", () => {
        if (current) write(input.value.trim());
      });
    }

    function reset(inputId, value) {
      field(inputId).value = value;
      const target = field(inputId + "-check");
      if (target) showCheck(target, null, field(inputId));
    }

    /* ---- conditions, scripts ---- */
    function fillCode(bo) {
      const flow = is(bo, "bpmn:SequenceFlow");
      field("field-condition").hidden = !flow;
      if (flow) {
        const isDefault = Boolean(bo.sourceRef && bo.sourceRef.default === bo);
        field("el-condition-default").hidden = !isDefault;
        field("el-condition").disabled = isDefault && !bo.conditionExpression;
        reset("el-condition", body(bo.conditionExpression));
      }
      const script = is(bo, "bpmn:ScriptTask");
      field("field-script").hidden = !script;
      if (script) reset("el-script", bo.script || "");
      const activity = is(bo, "bpmn:Activity");
      field("field-prescript").hidden = !activity;
      field("field-postscript").hidden = !activity;
      if (activity) {
        const pre = extensions(bo, "spiffworkflow:PreScript")[0];
        const post = extensions(bo, "spiffworkflow:PostScript")[0];
        reset("el-prescript", pre ? pre.value || "" : "");
        reset("el-postscript", post ? post.value || "" : "");
      }
    }

    function bindCode() {
      checked("el-condition", "eval", (text) => {
        get("modeling").updateProperties(current, { conditionExpression: expression(text) });
      });
      checked("el-script", "exec", (text) => {
        get("modeling").updateProperties(current, { script: text || undefined });
      });
      checked("el-prescript", "exec", (text) => {
        setExtensionText(current.businessObject, "spiffworkflow:PreScript", text);
      });
      checked("el-postscript", "exec", (text) => {
        setExtensionText(current.businessObject, "spiffworkflow:PostScript", text);
      });
    }

    /* ---- timers: a literal ISO 8601 value is written quoted, as Python reads it ---- */
    /* The source chosen for a timer that has no value yet, which the XML cannot tell. */
    const timerSources = new WeakMap();

    function readTimer(def) {
      const kind = TIMER_KINDS.find((k) => def.get(k)) || "timeDuration";
      const text = body(def.get(kind)).trim();
      const quoted = /^(["'])([^"'\\]*)\1$/.exec(text);
      if (quoted) return { kind: kind, source: "fixed", value: quoted[2] };
      if (text) return { kind: kind, source: "data", value: text };
      return { kind: kind, source: timerSources.get(def) || "fixed", value: "" };
    }

    function fillTimer(bo) {
      const def = eventDefinition(bo, "bpmn:TimerEventDefinition");
      field("field-timer").hidden = !def;
      if (!def) return;
      const timer = readTimer(def);
      field("el-timer-kind").value = timer.kind;
      field("el-timer-source").value = timer.source;
      reset("el-timer-value", timer.value);
    }

    function checkTimer() {
      const input = field("el-timer-value");
      const target = field("el-timer-check");
      const value = input.value.trim();
      if (field("el-timer-source").value === "data") {
        checkAsTyped(input, target, "eval");
      } else if (!value) {
        showCheck(target, null, input);
      } else {
        const ok = isIso(field("el-timer-kind").value, value);
        showCheck(target, ok ? [] : [{ message: M.badTimer }], input);
      }
    }

    function writeTimer() {
      if (!current) return;
      const def = eventDefinition(current.businessObject, "bpmn:TimerEventDefinition");
      const kind = field("el-timer-kind").value;
      const value = field("el-timer-value").value.trim();
      const fixed = field("el-timer-source").value === "fixed";
      const props = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
      props[kind] = expression(value && fixed ? JSON.stringify(value) : value);
      get("modeling").updateModdleProperties(current, def, props);
    }

    function bindTimer() {
      field("el-timer-value").addEventListener("input", checkTimer);
      field("el-timer-kind").addEventListener("change", () => {
        checkTimer();
        writeTimer();
      });
      /* A fixed value and an expression are different texts: a new source starts empty. */
      field("el-timer-source").addEventListener("change", (event) => {
        if (!current) return;
        timerSources.set(eventDefinition(current.businessObject, "bpmn:TimerEventDefinition"), event.target.value);
        reset("el-timer-value", "");
        writeTimer();
      });
      field("el-timer-value").addEventListener("change", writeTimer);
    }

    /* ---- multi-instance ---- */
    function loopOf(bo) {
      const loop = bo.loopCharacteristics;
      return loop && loop.$instanceOf("bpmn:MultiInstanceLoopCharacteristics") ? loop : null;
    }

    function fillMultiInstance(bo) {
      const activity = is(bo, "bpmn:Activity");
      field("field-mi").hidden = !activity;
      if (!activity) return;
      const loop = loopOf(bo);
      field("el-mi").value = loop ? (loop.isSequential ? "sequential" : "parallel") : "";
      field("mi-settings").hidden = !loop;
      const ref = (value) => (value ? value.id || value.name || "" : "");
      field("el-mi-cardinality").value = loop ? body(loop.loopCardinality) : "";
      field("el-mi-input").value = loop ? ref(loop.loopDataInputRef) : "";
      field("el-mi-item").value = loop ? ref(loop.inputDataItem) : "";
      field("el-mi-output").value = loop ? ref(loop.loopDataOutputRef) : "";
      field("el-mi-output-item").value = loop ? ref(loop.outputDataItem) : "";
      reset("el-mi-condition", loop ? body(loop.completionCondition) : "");
    }

    function writeMultiInstance() {
      const loop = current && loopOf(current.businessObject);
      if (!loop) return;
      const moddle = get("moddle");
      const value = (id) => field(id).value.trim();
      /* SpiffWorkflow reads these as names in the task data: the element's id is the name. */
      const named = (type, id) => (value(id) ? moddle.create(type, { id: value(id), name: value(id) }) : undefined);
      get("modeling").updateModdleProperties(current, loop, {
        loopCardinality: expression(value("el-mi-cardinality")),
        loopDataInputRef: named("bpmn:ItemAwareElement", "el-mi-input"),
        inputDataItem: named("bpmn:DataInput", "el-mi-item"),
        loopDataOutputRef: named("bpmn:ItemAwareElement", "el-mi-output"),
        outputDataItem: named("bpmn:DataOutput", "el-mi-output-item"),
        completionCondition: expression(value("el-mi-condition")),
      });
    }

    function bindMultiInstance() {
      field("el-mi").addEventListener("change", (event) => {
        if (!current) return;
        const choice = event.target.value;
        const loop = loopOf(current.businessObject);
        if (!choice) {
          get("modeling").updateProperties(current, { loopCharacteristics: undefined });
        } else if (loop) {
          get("modeling").updateModdleProperties(current, loop, { isSequential: choice === "sequential" });
        } else {
          const created = get("moddle").create("bpmn:MultiInstanceLoopCharacteristics", {
            isSequential: choice === "sequential",
          });
          get("modeling").updateProperties(current, { loopCharacteristics: created });
        }
      });
      ["el-mi-cardinality", "el-mi-input", "el-mi-item", "el-mi-output", "el-mi-output-item"].forEach((id) => {
        field(id).addEventListener("change", writeMultiInstance);
      });
      const condition = field("el-mi-condition");
      condition.addEventListener("input", () => checkAsTyped(condition, field("el-mi-check"), "eval"));
      condition.addEventListener("change", writeMultiInstance);
    }

    /* ---- messages and their correlation ---- */
    function messageHolder(bo) {
      if (is(bo, "bpmn:SendTask") || is(bo, "bpmn:ReceiveTask")) return bo;
      return eventDefinition(bo, "bpmn:MessageEventDefinition");
    }

    function throwing(bo) {
      return THROWING.some((type) => is(bo, type));
    }

    function correlationsOf(defs, message) {
      const lines = [];
      defs.get("rootElements").filter((e) => is(e, "bpmn:CorrelationProperty")).forEach((prop) => {
        prop.get("correlationPropertyRetrievalExpression").forEach((rex) => {
          if (message && rex.messageRef === message) lines.push(prop.id + " = " + body(rex.messagePath));
        });
      });
      return lines.join("\n");
    }

    function fillMessage(bo) {
      const holder = messageHolder(bo);
      field("field-message").hidden = !holder;
      if (!holder) return;
      const defs = definitionsOf(bo);
      const names = defs.get("rootElements").filter((e) => is(e, "bpmn:Message")).map((m) => m.name || m.id);
      field("message-names").replaceChildren(...names.map((name) => new Option(name, name)));
      const message = holder.messageRef;
      field("el-message").value = message ? message.name || message.id : "";
      const sends = throwing(bo);
      field("field-payload").hidden = !sends;
      field("field-message-var").hidden = sends;
      field("field-process-correlation").hidden = sends;
      const payload = extensions(holder, "spiffworkflow:MessagePayload")[0];
      const variable = extensions(holder, "spiffworkflow:MessageVariable")[0];
      reset("el-payload", payload ? payload.value || "" : "");
      field("el-message-var").value = variable ? variable.value || "" : "";
      field("el-correlation").value = correlationsOf(defs, message);
      field("el-process-correlation").value = extensions(holder, "spiffworkflow:ProcessVariableCorrelation")
        .map((c) => (c.propertyId || "") + " = " + (c.expression || "")).join("\n");
      field("el-message-check").textContent = "";
    }

    /* "name = expression" lines as [name, expression] pairs, or null when one is malformed. */
    function parseLines(text) {
      const pairs = [];
      for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
        const at = line.indexOf("=");
        const name = at > 0 ? line.slice(0, at).trim() : "";
        const code = at > 0 ? line.slice(at + 1).trim() : "";
        if (!NAME.test(name) || !code || code.startsWith("=")) return null;
        pairs.push([name, code]);
      }
      return pairs;
    }

    function writeMessageName(name) {
      const bo = current.businessObject;
      const holder = messageHolder(bo);
      const modeling = get("modeling");
      if (!name) {
        modeling.updateModdleProperties(current, holder, { messageRef: undefined });
        return;
      }
      const defs = definitionsOf(bo);
      let message = defs.get("rootElements").find((e) => is(e, "bpmn:Message") && (e.name || e.id) === name);
      if (!message) {
        const base = "msg_" + name.replace(/[^\w]+/g, "_");
        let id = base;
        for (let n = 2; taken(id, defs); n += 1) id = base + "_" + n;
        message = get("moddle").create("bpmn:Message", { id: id, name: name });
        message.$parent = defs;
        modeling.updateModdleProperties(current, defs, { rootElements: defs.get("rootElements").concat([message]) });
      }
      modeling.updateModdleProperties(current, holder, { messageRef: message });
    }

    function writeCorrelation(text) {
      const holder = messageHolder(current.businessObject);
      const message = holder.messageRef;
      const pairs = parseLines(text);
      const error = field("el-message-check");
      if (pairs === null || (!message && pairs.length)) {
        error.textContent = pairs === null ? M.badCorrelation : M.noMessage;
        return;
      }
      error.textContent = "";
      const wanted = new Map(pairs);
      const defs = definitionsOf(current.businessObject);
      const moddle = get("moddle");
      const modeling = get("modeling");
      const retrieval = (code) => moddle.create("bpmn:CorrelationPropertyRetrievalExpression", {
        messageRef: message, messagePath: expression(code),
      });
      let roots = defs.get("rootElements").slice();
      roots.filter((e) => is(e, "bpmn:CorrelationProperty")).forEach((prop) => {
        const all = prop.get("correlationPropertyRetrievalExpression");
        const others = all.filter((rex) => rex.messageRef !== message);
        const list = wanted.has(prop.id) ? others.concat([retrieval(wanted.get(prop.id))]) : others;
        wanted.delete(prop.id);
        if (list.length === 0) roots = roots.filter((e) => e !== prop);
        else modeling.updateModdleProperties(current, prop, { correlationPropertyRetrievalExpression: list });
      });
      wanted.forEach((code, id) => {
        const prop = moddle.create("bpmn:CorrelationProperty", {
          id: id, name: id, correlationPropertyRetrievalExpression: [retrieval(code)],
        });
        prop.$parent = defs;
        roots.push(prop);
      });
      modeling.updateModdleProperties(current, defs, { rootElements: roots });
    }

    function writeProcessCorrelation(text) {
      const pairs = parseLines(text);
      if (pairs === null) {
        field("el-message-check").textContent = M.badCorrelation;
        return;
      }
      field("el-message-check").textContent = "";
      const created = pairs.map(([name, code]) =>
        get("moddle").create("spiffworkflow:ProcessVariableCorrelation", { propertyId: name, expression: code }));
      setExtensions(messageHolder(current.businessObject), "spiffworkflow:ProcessVariableCorrelation", created);
    }

    function bindMessage() {
      const holder = () => messageHolder(current.businessObject);
      field("el-message").addEventListener("change", (event) => {
        if (current) writeMessageName(event.target.value.trim());
      });
      checked("el-payload", "eval", (text) => setExtensionText(holder(), "spiffworkflow:MessagePayload", text));
      field("el-message-var").addEventListener("change", (event) => {
        if (current) setExtensionText(holder(), "spiffworkflow:MessageVariable", event.target.value.trim());
      });
      field("el-correlation").addEventListener("change", (event) => {
        if (current) writeCorrelation(event.target.value);
      });
      field("el-process-correlation").addEventListener("change", (event) => {
        if (current) writeProcessCorrelation(event.target.value);
      });
    }

    /* ---- the process a call activity calls ---- */
    function fillCalled(bo) {
      const call = is(bo, "bpmn:CallActivity");
      field("field-called").hidden = !call;
      if (!call) return;
      const select = field("el-called");
      const options = data.callables.map((c) => [c.id, c.label]);
      definitionsOf(bo).get("rootElements").filter((e) => is(e, "bpmn:Process")).forEach((process) => {
        if (!options.some(([id]) => id === process.id)) options.push([process.id, (process.name || process.id) + " (" + process.id + ")"]);
      });
      select.replaceChildren(new Option(M.noProcess, ""), ...options.map(([id, label]) => new Option(label, id)));
      const chosen = bo.calledElement || "";
      if (chosen && !options.some(([id]) => id === chosen)) select.add(new Option(chosen + " " + M.unknownProcess, chosen));
      select.value = chosen;
    }

    function bindCalled() {
      field("el-called").addEventListener("change", (event) => {
        if (current) get("modeling").updateProperties(current, { calledElement: event.target.value || undefined });
      });
    }

    bindCode();
    bindTimer();
    bindMultiInstance();
    bindMessage();
    bindCalled();

    return {
      /* Show the fields that apply to `element` with its values (null: nothing selected). */
      fill(element) {
        current = element;
        if (!element) return;
        const bo = element.businessObject;
        fillCode(bo);
        fillTimer(bo);
        fillMultiInstance(bo);
        fillMessage(bo);
        fillCalled(bo);
      },
      /* Keep the loop references bpmn-moddle cannot resolve: SpiffWorkflow reads
         loopDataInputRef/loopDataOutputRef as data names, not as ids of elements. */
      keepLoopReferences(warnings) {
        (warnings || []).forEach((warning) => {
          const property = String(warning.property || "").replace(/^bpmn:/, "");
          if (!warning.element || !/^loopData(In|Out)putRef$/.test(property) || !warning.value) return;
          warning.element.set(property, get("moddle").create("bpmn:ItemAwareElement", { id: warning.value }));
        });
      },
    };
  };
})();
