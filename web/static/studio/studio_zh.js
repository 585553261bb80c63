/* Chinese for the studio's third-party controls, loaded only when the UI locale is Chinese (en pages skip it).
   bpmn-js takes `SpiralStudioZh.bpmnModule` as an additional module (its `translate` service: palette, context
   pad, replace menu, search). form-js' editor has no translate service for its palette and properties panel, so
   `SpiralStudioZh.translateTree(root)` rewrites their English texts and tooltips in place and keeps doing so as
   the editor redraws. Unknown strings stay as they are. */
(function () {
  "use strict";
  var BPMN = {
    "Activate hand tool": "激活抓手工具", "Activate lasso tool": "激活套索工具",
    "Activate create/remove space tool": "激活创建/删除空间工具", "Activate global connect tool": "激活全局连接工具",
    "Create start event": "创建开始事件", "Create intermediate/boundary event": "创建中间/边界事件",
    "Create end event": "创建结束事件", "Create gateway": "创建网关", "Create task": "创建任务",
    "Create data object reference": "创建数据对象引用", "Create data store reference": "创建数据存储引用",
    "Create expanded sub-process": "创建展开的子流程", "Create pool/participant": "创建池/参与者",
    "Create group": "创建分组", "Add text annotation": "添加文本注释",
    "Append end event": "追加结束事件", "Append gateway": "追加网关", "Append task": "追加任务",
    "Append intermediate/boundary event": "追加中间/边界事件", "Append receive task": "追加接收任务",
    "Append message intermediate catch event": "追加消息中间捕获事件",
    "Append timer intermediate catch event": "追加定时中间捕获事件",
    "Append conditional intermediate catch event": "追加条件中间捕获事件",
    "Append signal intermediate catch event": "追加信号中间捕获事件",
    "Append compensation activity": "追加补偿活动",
    "Change element": "更改元素类型", "Change type": "更改类型", "Delete": "删除",
    "Connect using sequence/message flow or association": "用顺序流/消息流或关联连接",
    "Connect to other element": "连接到其他元素", "Connect using association": "用关联连接",
    "Connect using data input association": "用数据输入关联连接",
    "Add lane above": "在上方添加泳道", "Add lane below": "在下方添加泳道",
    "Divide into two lanes": "分成两条泳道", "Divide into three lanes": "分成三条泳道",
    "Align elements": "对齐元素", "Align elements left": "左对齐", "Align elements right": "右对齐",
    "Align elements center": "水平居中对齐", "Align elements top": "顶端对齐", "Align elements bottom": "底端对齐",
    "Align elements middle": "垂直居中对齐",
    "Distribute elements horizontally": "水平等距分布", "Distribute elements vertically": "垂直等距分布",
    "Search in diagram": "在图中搜索", "Search": "搜索", "No matching entries found.": "没有匹配的条目。",
    "Open {element}": "打开 {element}", "Toggle non-interrupting": "切换非中断",
    "Loop": "循环", "Parallel multi-instance": "并行多实例", "Sequential multi-instance": "串行多实例",
    "Collection": "集合", "Participant multiplicity": "参与者多重性",
    "Start event": "开始事件", "End event": "结束事件", "Intermediate throw event": "中间抛出事件",
    "Boundary event": "边界事件", "Lane": "泳道", "Collaboration": "协作图", "Process": "流程", "Participant": "池/参与者", "Text annotation": "文本注释",
    "Group": "分组", "Intermediate catch event": "中间捕获事件", "Task": "任务", "User task": "用户任务", "Manual task": "手工任务",
    "Service task": "服务任务", "Script task": "脚本任务", "Send task": "发送任务", "Receive task": "接收任务",
    "Business rule task": "业务规则任务", "Call activity": "调用活动",
    "Sub-process": "子流程", "Sub-process (collapsed)": "子流程（折叠）", "Sub-process (expanded)": "子流程（展开）",
    "Ad-hoc sub-process": "自由子流程", "Ad-hoc sub-process (collapsed)": "自由子流程（折叠）",
    "Ad-hoc sub-process (expanded)": "自由子流程（展开）", "Event sub-process": "事件子流程",
    "Transaction": "事务", "Exclusive gateway": "排他网关", "Parallel gateway": "并行网关",
    "Inclusive gateway": "包容网关", "Complex gateway": "复杂网关", "Event-based gateway": "事件网关",
    "Event based instantiating Gateway": "事件实例化网关",
    "Parallel Event based instantiating Gateway": "并行事件实例化网关",
    "Sequence flow": "顺序流", "Default flow": "默认流", "Conditional flow": "条件流",
    "Data object reference": "数据对象引用", "Data store reference": "数据存储引用",
    "Empty pool/participant": "空池/参与者", "Expanded pool/participant": "展开的池/参与者",
    "Message start event": "消息开始事件", "Timer start event": "定时开始事件",
    "Conditional start event": "条件开始事件", "Signal start event": "信号开始事件",
    "Error start event": "错误开始事件", "Escalation start event": "升级开始事件",
    "Compensation start event": "补偿开始事件",
    "Message start event (non-interrupting)": "消息开始事件（非中断）",
    "Timer start event (non-interrupting)": "定时开始事件（非中断）",
    "Conditional start event (non-interrupting)": "条件开始事件（非中断）",
    "Signal start event (non-interrupting)": "信号开始事件（非中断）",
    "Escalation start event (non-interrupting)": "升级开始事件（非中断）",
    "Message intermediate catch event": "消息中间捕获事件", "Message intermediate throw event": "消息中间抛出事件",
    "Timer intermediate catch event": "定时中间捕获事件", "Conditional intermediate catch event": "条件中间捕获事件",
    "Signal intermediate catch event": "信号中间捕获事件", "Signal intermediate throw event": "信号中间抛出事件",
    "Link intermediate catch event": "链接中间捕获事件", "Link intermediate throw event": "链接中间抛出事件",
    "Escalation intermediate throw event": "升级中间抛出事件",
    "Compensation intermediate throw event": "补偿中间抛出事件",
    "Message end event": "消息结束事件", "Escalation end event": "升级结束事件", "Error end event": "错误结束事件",
    "Cancel end event": "取消结束事件", "Compensation end event": "补偿结束事件",
    "Signal end event": "信号结束事件", "Terminate end event": "终止结束事件",
    "Message boundary event": "消息边界事件", "Timer boundary event": "定时边界事件",
    "Escalation boundary event": "升级边界事件", "Conditional boundary event": "条件边界事件",
    "Error boundary event": "错误边界事件", "Cancel boundary event": "取消边界事件",
    "Signal boundary event": "信号边界事件", "Compensation boundary event": "补偿边界事件",
    "Message boundary event (non-interrupting)": "消息边界事件（非中断）",
    "Timer boundary event (non-interrupting)": "定时边界事件（非中断）",
    "Escalation boundary event (non-interrupting)": "升级边界事件（非中断）",
    "Conditional boundary event (non-interrupting)": "条件边界事件（非中断）",
    "Signal boundary event (non-interrupting)": "信号边界事件（非中断）",
    "flow elements must be children of pools/participants": "流程元素必须放在池/参与者之内",
    "Data object must be placed within a pool/participant.": "数据对象必须放在池/参与者之内。"
  };

  var FORM = {
    "Components": "组件", "Search components": "搜索组件", "No components found.": "没有找到组件。",
    "Input": "输入", "Selection": "选择", "Presentation": "展示", "Containers": "容器", "Action": "操作",
    "Text field": "单行文本", "Text area": "多行文本", "Number": "数字", "Date": "日期", "Datetime": "日期时间", "Date time": "日期时间", "Image view": "图片",
    "Checkbox": "复选框", "Checkbox group": "复选框组", "Radio group": "单选按钮组", "Select": "下拉选择",
    "Tag list": "标签列表", "Text view": "文本", "Text": "文本", "Image view": "图片", "Table": "表格",
    "HTML view": "HTML", "Document preview": "文档预览", "Spacer": "间隔", "Separator": "分隔线",
    "Group": "分组", "Dynamic list": "动态列表", "iFrame": "内嵌网页", "Button": "按钮",
    "File picker": "文件选择", "Expression": "表达式",
    "Build your form": "设计你的表单", "Drag and drop components here to start designing.": "把组件拖到这里开始设计。",
    "Drag and drop components here.": "把组件拖到这里。", "Use the preview window to test your form.": "用预览窗口试用表单。",
    "Nothing to show.": "没有可显示的内容。", "Select a form field to edit its properties.": "选择一个字段以编辑它的属性。",
    "General": "常规", "Condition": "条件", "Layout": "布局", "Validation": "校验", "Appearance": "外观",
    "Constraints": "约束", "Options source": "选项来源", "Static options": "静态选项", "Dynamic options": "动态选项",
    "Custom properties": "自定义属性", "Serialization": "序列化", "Security attributes": "安全属性",
    "Header items": "表头", "Content": "内容", "Pagination": "分页",
    "Field label": "字段标签", "Field description": "字段说明", "Label": "标签", "Key": "键", "Value": "值",
    "ID": "编号", "Name": "名称", "Type": "类型", "Path": "路径", "Default value": "默认值",
    "Required": "必填", "Disabled": "禁用", "Read only": "只读", "Searchable": "可搜索",
    "Minimum": "最小值", "Maximum": "最大值", "Minimum length": "最小长度", "Maximum length": "最大长度",
    "Validation pattern": "校验格式", "Custom regular expression": "自定义正则表达式",
    "Custom error message": "自定义错误提示", "Email": "电子邮件", "Phone": "电话", "Custom": "自定义",
    "Prefix": "前缀", "Suffix": "后缀", "Decimal digits": "小数位数", "Increment": "步长",
    "Output as string": "以字符串输出", "Allows arbitrary precision values": "允许任意精度",
    "Subtype": "子类型", "Date label": "日期标签", "Time label": "时间标签", "Use 24h": "24 小时制",
    "Time format": "时间格式", "Time interval": "时间间隔", "Disallow past dates": "不允许过去的日期",
    "Checked": "已勾选", "Not checked": "未勾选", "Columns": "列", "Column": "列", "Auto": "自动",
    "Vertical alignment": "垂直对齐", "Top": "顶端", "Center": "居中", "Bottom": "底端",
    "Alternative text": "替代文字", "Image source": "图片来源", "Height": "高度", "URL": "网址",
    "Submit": "提交", "Reset": "重置", "Data source": "数据来源",
    "Repeatable": "可重复", "Default number of items": "默认行数", "Allow add/delete items": "允许增删行",
    "Disable collapse": "不折叠", "Number of non-collapsing items": "不折叠的行数",
    "Show outline": "显示轮廓", "Number of rows per page": "每页行数", "Upload multiple files": "允许多个文件",
    "Supported file formats": "支持的文件格式", "Compute on": "计算时机", "Value changes": "值改变时",
    "Form submission": "提交表单时", "Target value": "目标值", "Options expression": "选项表达式",
    "Input values key": "输入值键", "Static value": "静态值", "Create": "新建", "Create new list item": "新增一项",
    "Delete item": "删除此项", "Toggle list item": "展开/收起此项", "Toggle section": "展开/收起",
    "Section contains an error": "此部分有错误", "Section contains edits": "此部分已修改",
    "Open documentation": "打开文档", "Open pop-up editor": "打开弹出编辑器", "Opened in editor": "已在编辑器中打开",
    "Opened in popup": "已在弹窗中打开", "Learn more": "了解更多", "Remove tag": "移除标签",
    "Clear content": "清除内容", "Version tag": "版本标签", "<empty>": "（空）", "<none>": "（无）",
    "Binds to a form variable": "绑定到表单变量", "Search": "搜索", "Skip to search": "跳到搜索",
    "FEEL expression is mandatory": "必须是 FEEL 表达式", "Unparsable FEEL expression.": "FEEL 表达式无法解析。",
    "Define an expression to calculate the value of this field": "定义一个表达式来计算此字段的值",
    "Where the child variables of this component are pathed to.": "此组件的子变量写到哪个路径下。"
  };

  function interpolate(template, replacements) {
    replacements = replacements || {};
    return template.replace(/{([^}]+)}/g, function (_, key) { return replacements[key] || "{" + key + "}"; });
  }

  function bpmnTranslate(template, replacements) {
    return interpolate(BPMN[template] || template, replacements);
  }

  var ATTRIBUTES = ["title", "placeholder", "aria-label"];
  function translateNode(node) {
    if (node.nodeType === 3) {
      var text = node.data.trim();
      if (text && FORM[text] && node.data !== FORM[text]) node.data = FORM[text];
      return;
    }
    if (node.nodeType !== 1) return;
    ATTRIBUTES.forEach(function (name) {
      var value = node.getAttribute(name);
      if (value && FORM[value.trim()]) node.setAttribute(name, FORM[value.trim()]);
    });
    for (var child = node.firstChild; child; child = child.nextSibling) translateNode(child);
  }

  // the editor's own controls, never the form being designed (a field the user labelled "Number" stays "Number")
  var CHROME = ".fjs-palette-container, .fjs-properties-container, .fjs-editor-properties-container, .fjs-empty-editor";
  function inChrome(node) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    return !!(element && element.closest && element.closest(CHROME));
  }

  function translateTree(root) {
    root.querySelectorAll(CHROME).forEach(translateNode);
    var observer = new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        if (m.type !== "childList") { if (inChrome(m.target)) translateNode(m.target); return; }
        m.addedNodes.forEach(function (n) {
          if (inChrome(n)) translateNode(n);
          else if (n.querySelectorAll) n.querySelectorAll(CHROME).forEach(translateNode);
        });
      });
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ATTRIBUTES });
    return observer;
  }

  window.SpiralStudioZh = {
    bpmnModule: { translate: ["value", bpmnTranslate] },
    translateTree: translateTree
  };
})();
