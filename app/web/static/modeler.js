/* The analysts' editor: bpmn-js Modeler with the spiffworkflow extension, a side panel
   for the selected element (name, id, lane role, form files, documentation here; conditions,
   scripts, timers, multi-instance, messages and called processes in modeler-properties.js),
   "Simpan draf" that shows the server's validation errors on the elements, and importing
   a .bpmn file (checked by the server, then saved as a draft). */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("modeler-data").textContent);
  const M = data.messages;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const statusLine = document.getElementById("modeler-status");
  const saveButton = document.getElementById("modeler-save");
  const deployForm = document.getElementById("modeler-deploy");
  const deployButton = deployForm.querySelector("button");
  const exportLink = document.getElementById("modeler-export");
  const discardLink = document.getElementById("modeler-discard");
  const importInput = document.getElementById("modeler-import");
  const errorsBox = document.getElementById("modeler-errors");
  const warningsBox = document.getElementById("modeler-warnings");
  const field = (id) => document.getElementById(id);
  const FORM_PROPERTY = "formJsonSchemaFilename";
  const UI_PROPERTY = "formUiSchemaFilename";
  const ID_PATTERN = /^[A-Za-z_][\w.-]*$/;

  let modeler = null;
  let current = null;
  let dirty = false;
  let draft = data.draft;
  let marked = [];
  let properties = null;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
  }

  function service(name) {
    return modeler.get(name);
  }

  /* ---- deploy button: only for a saved draft without unsaved changes; export and
     discard follow the saved draft ---- */
  function updateDeploy() {
    if (draft) {
      exportLink.href = data.exportBase + "?draf=" + draft;
      exportLink.textContent = fmt(M.exportDraft, { number: draft });
      exportLink.parentElement.hidden = false;
      discardLink.textContent = fmt(M.discardDraft, { number: draft });
      discardLink.parentElement.hidden = !data.baseVersion;
    }
    deployForm.elements.draft.value = draft || "";
    deployButton.disabled = !draft || dirty;
    if (!draft) deployButton.textContent = M.noDraft;
    else if (dirty) deployButton.textContent = M.saveFirst;
    else deployButton.textContent = fmt(M.deployDraft, { number: draft });
  }

  /* ---- the spiffworkflow:properties of an element ---- */
  function propertiesOf(bo) {
    const ext = bo.extensionElements;
    if (!ext) return null;
    return (ext.get("values") || []).find((v) => v.$instanceOf("spiffworkflow:Properties")) || null;
  }

  function propertyValue(bo, name) {
    const props = propertiesOf(bo);
    const found = props && props.get("properties").find((p) => p.name === name);
    return found ? found.value : "";
  }

  function setProperty(element, name, value) {
    const modeling = service("modeling");
    const moddle = service("moddle");
    const bo = element.businessObject;
    let ext = bo.extensionElements;
    if (!ext) {
      ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      modeling.updateModdleProperties(element, bo, { extensionElements: ext });
    }
    let props = propertiesOf(bo);
    if (!props) {
      props = moddle.create("spiffworkflow:Properties", { properties: [] });
      modeling.updateModdleProperties(element, ext, { values: ext.get("values").concat([props]) });
    }
    const list = props.get("properties").slice();
    const index = list.findIndex((p) => p.name === name);
    const created = value ? moddle.create("spiffworkflow:Property", { name: name, value: value }) : null;
    if (index >= 0 && created) list.splice(index, 1, created);
    else if (index >= 0) list.splice(index, 1);
    else if (created) list.push(created);
    modeling.updateModdleProperties(element, props, { properties: list });
  }

  /* ---- the side panel ---- */
  function fillSelect(select, values, chosen, emptyLabel, unknownLabel) {
    select.replaceChildren();
    if (emptyLabel !== null) select.add(new Option(emptyLabel, ""));
    values.forEach((value) => select.add(new Option(value, value)));
    if (chosen && !values.includes(chosen)) {
      select.add(new Option(chosen + " " + unknownLabel, chosen));
    }
    select.value = chosen || "";
  }

  function showPanel(element) {
    current = element && element.type === "label" ? element.labelTarget : element;
    const root = service("canvas").getRootElement();
    const shown = Boolean(current) && current !== root;
    field("panel-fields").hidden = !shown;
    field("panel-empty").hidden = shown;
    if (shown) fill(current);
    else properties.fill(null);
  }

  function fill(element) {
    const bo = element.businessObject;
    const isLane = bo.$type === "bpmn:Lane";
    const hasForm = bo.$type === "bpmn:UserTask" || bo.$type === "bpmn:StartEvent";
    field("panel-type").textContent = bo.$type.replace("bpmn:", "");
    field("el-id").value = bo.id;
    field("el-id-error").textContent = "";
    field("field-name").hidden = isLane;
    field("el-name").value = bo.name || "";
    field("field-lane").hidden = !isLane;
    if (isLane) fillSelect(field("el-lane"), data.lanes, bo.name || "", null, M.unknownLane);
    field("field-form").hidden = !hasForm;
    field("field-ui").hidden = !hasForm;
    if (hasForm) {
      fillSelect(field("el-form"), data.schemaFiles, propertyValue(bo, FORM_PROPERTY), M.noForm, M.unknownForm);
      fillSelect(field("el-ui"), data.uiFiles, propertyValue(bo, UI_PROPERTY), M.noForm, M.unknownForm);
    }
    const docs = bo.documentation || [];
    field("el-doc").value = docs.length ? docs[0].text || "" : "";
    properties.fill(element);
  }

  function bindPanel() {
    field("el-id").addEventListener("change", (event) => {
      const value = event.target.value.trim();
      if (!current || value === current.businessObject.id) return;
      const error = field("el-id-error");
      if (!ID_PATTERN.test(value)) {
        error.textContent = M.badId;
        return;
      }
      if (service("elementRegistry").get(value)) {
        error.textContent = M.takenId;
        return;
      }
      error.textContent = "";
      service("modeling").updateProperties(current, { id: value });
    });
    field("el-name").addEventListener("change", (event) => {
      if (current) service("modeling").updateLabel(current, event.target.value);
    });
    field("el-lane").addEventListener("change", (event) => {
      if (current) service("modeling").updateProperties(current, { name: event.target.value });
    });
    field("el-form").addEventListener("change", (event) => {
      if (!current) return;
      const schema = event.target.value;
      setProperty(current, FORM_PROPERTY, schema);
      const ui = schema.replace(/\.schema\.json$/, ".uischema.json");
      if (schema && data.uiFiles.includes(ui) && !propertyValue(current.businessObject, UI_PROPERTY)) {
        setProperty(current, UI_PROPERTY, ui);
      }
      fill(current);
    });
    field("el-ui").addEventListener("change", (event) => {
      if (current) setProperty(current, UI_PROPERTY, event.target.value);
    });
    field("el-doc").addEventListener("change", (event) => {
      if (!current) return;
      const text = event.target.value.trim();
      const docs = text ? [service("moddle").create("bpmn:Documentation", { text: text })] : [];
      service("modeling").updateProperties(current, { documentation: docs });
    });
  }

  /* ---- validation errors on the diagram ---- */
  function clearMarks() {
    const canvas = service("canvas");
    service("overlays").remove({ type: "spbe-error" });
    marked.forEach((id) => canvas.removeMarker(id, "spbe-error"));
    marked = [];
  }

  function describe(problem) {
    const parts = [problem.message];
    if (problem.line) parts.push("(" + fmt(M.line, { line: problem.line }) + ")");
    return parts.join(" ");
  }

  function listProblems(box, problems, mark) {
    const list = box.querySelector("ul");
    list.replaceChildren();
    box.hidden = problems.length === 0;
    const registry = service("elementRegistry");
    problems.forEach((problem) => {
      const item = document.createElement("li");
      const element = problem.element_id ? registry.get(problem.element_id) : null;
      if (element) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.dataset.elementId = element.id;
        button.textContent = fmt(M.element, { id: element.id }) + ": " + describe(problem);
        button.addEventListener("click", () => {
          service("selection").select(element);
          service("canvas").scrollToElement(element);
        });
        item.append(button);
        if (mark) markElement(element, problem.message);
      } else {
        item.textContent = (problem.element_id ? problem.element_id + ": " : "") + describe(problem);
      }
      list.append(item);
    });
  }

  function markElement(element, message) {
    if (!marked.includes(element.id)) {
      service("canvas").addMarker(element.id, "spbe-error");
      marked.push(element.id);
    }
    const badge = document.createElement("div");
    badge.className = "spbe-error-badge";
    badge.textContent = "!";
    badge.title = message;
    badge.setAttribute("role", "img");
    badge.setAttribute("aria-label", message);
    service("overlays").add(element.id, "spbe-error", { position: { top: -12, left: -12 }, html: badge });
  }

  async function save() {
    saveButton.disabled = true;
    statusLine.textContent = M.saving;
    clearMarks();
    listProblems(errorsBox, [], false);
    listProblems(warningsBox, [], false);
    let response = null;
    let body = {};
    try {
      const { xml } = await modeler.saveXML({ format: true });
      response = await fetch(data.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ xml: xml, base_version: data.baseVersion }),
      });
      body = await response.json().catch(() => ({}));
    } catch (err) {
      body = { message: err.message };
    }
    const status = response ? response.status : 0;
    if (status === 201) {
      draft = body.draft;
      dirty = false;
      statusLine.textContent = fmt(M.saved, { number: draft });
      listProblems(warningsBox, body.warnings || [], false);
    } else if (status === 422) {
      statusLine.textContent = M.invalid;
      listProblems(errorsBox, body.errors || [], true);
      errorsBox.querySelector("h2").focus();
    } else {
      statusLine.textContent = body.message || fmt(M.failed, { status: status });
    }
    saveButton.disabled = false;
    updateDeploy();
  }

  /* Show `xml` on the canvas; throws what bpmn-js could not read. */
  async function open(xml) {
    const { warnings } = await modeler.importXML(xml);
    marked = [];
    properties.keepLoopReferences(warnings);
    service("canvas").zoom("fit-viewport");
  }

  /* ---- import: the server checks the file (safe XML, BPMN), then it is saved ---- */
  async function importFile() {
    const file = importInput.files[0];
    if (!file) return;
    if (dirty && !window.confirm(M.importReplaces)) {
      importInput.value = "";
      return;
    }
    statusLine.textContent = fmt(M.importing, { name: file.name });
    const form = new FormData();
    form.append("file", file);
    let response = null;
    let body = {};
    try {
      response = await fetch(data.importUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
        body: form,
      });
      body = await response.json().catch(() => ({}));
    } catch (err) {
      body = { message: err.message };
    }
    importInput.value = "";
    const failed = (detail) => {
      statusLine.textContent = fmt(M.importFailed, { name: file.name, detail: detail });
    };
    if (!response || response.status !== 200) {
      const reasons = body.errors && body.errors.file;
      failed(reasons ? reasons.join("; ") : body.message || fmt(M.failed, { status: response ? response.status : 0 }));
      return;
    }
    const { xml: previous } = await modeler.saveXML({ format: true });
    const wasDirty = dirty;
    try {
      await open(body.xml);
    } catch (err) {
      await open(previous);
      dirty = wasDirty;
      failed(err.message);
      return;
    }
    showPanel(null);
    dirty = true;
    statusLine.textContent = fmt(M.imported, { name: file.name });
    await save();
  }

  async function start() {
    const descriptor = await (await fetch(data.moddleUrl)).json();
    modeler = new window.BpmnJS({
      container: "#modeler-canvas",
      moddleExtensions: { spiffworkflow: descriptor },
    });
    window.spbeModeler = modeler;
    properties = window.spbeProperties(modeler, data, field);
    try {
      await open(data.xml);
    } catch (err) {
      statusLine.textContent = fmt(M.openError, { detail: err.message });
      return;
    }
    modeler.on("commandStack.changed", (event) => {
      if (event.trigger === "clear") return;
      dirty = true;
      statusLine.textContent = M.unsaved;
      updateDeploy();
    });
    modeler.on("selection.changed", (event) => {
      showPanel(event.newSelection.length === 1 ? event.newSelection[0] : null);
    });
    modeler.on("element.changed", (event) => {
      if (current && event.element === current && !field("panel-fields").hidden) fill(current);
    });
    bindPanel();
    saveButton.addEventListener("click", save);
    importInput.addEventListener("change", importFile);
    errorsBox.querySelector("h2").tabIndex = -1;
    window.addEventListener("beforeunload", (event) => {
      if (dirty) event.preventDefault();
    });
    updateDeploy();
    document.body.dataset.modelerReady = "true";
  }

  start();
})();
