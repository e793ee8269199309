<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttachmentsPanel</name>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="192" />
        <source>Add &amp;photos…</source>
        <translation>添加照片(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="193" />
        <source>Add &amp;documents…</source>
        <translation>添加文件(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="194" />
        <source>Attach scan of the &amp;signed visit record…</source>
        <translation>附上签字走访记录的扫描件(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="195" />
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="196" />
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="200" />
        <source>Photos are attached as JPEG copies whose longest side is 2000 pixels: quicker to send and to open, sharp enough for any report.</source>
        <translation>照片以长边 2000 像素的 JPEG 副本附上：发送和打开更快，用于报表也足够清晰。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="197" />
        <source>Shrink photos (2000 px)</source>
        <translation>压缩照片（2000 像素）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="204" />
        <source>Keep originals here</source>
        <translation>本机保留原图</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="207" />
        <source>The full-size photos stay in this data folder (never sent), to open or save later.</source>
        <translation>原尺寸照片保留在本数据文件夹中（不发送），以后可打开或另存。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/attachments/panel.py" line="213" />
        <source>Photos and documents (%n)</source>
        <translation><numerusform>照片和文件（%n）</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="215" />
        <source>Drop photos or documents here to attach them.</source>
        <translation>把照片或文件拖到这里即可附上。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="279" />
        <source>Not downloaded yet: it arrives with the next sync.</source>
        <translation>尚未下载：下次同步时会下载到本机。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="281" />
        <source>Attached shrunk; the full-size original is kept here.</source>
        <translation>已压缩后附上；原图保留在本机。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="350" />
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="351" />
        <location filename="../../liaison_app/ui/attachments/panel.py" line="358" />
        <location filename="../../liaison_app/ui/attachments/panel.py" line="369" />
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="353" />
        <source>Add photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="359" />
        <source>Documents</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="362" />
        <source>Add documents</source>
        <translation>添加文件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="368" />
        <source>Scans</source>
        <translation>扫描件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="372" />
        <source>Scan of the signed visit record</source>
        <translation>签字的走访记录扫描件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="441" />
        <source>Photos and documents</source>
        <translation>照片和文件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="456" />
        <source>%1 has not been downloaded yet. It arrives from the server with the next sync.</source>
        <translation>“%1”尚未下载，下次同步时会从服务器下载。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="470" />
        <source>No program on this computer opens %1. A copy is at %2.</source>
        <translation>本机没有能打开“%1”的程序。副本保存在 %2。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/attachments/panel.py" line="481" />
        <source>Remove %n attachment(s)</source>
        <translation><numerusform>移除 %n 个附件</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/panel.py" line="489" />
        <source>Remove %1</source>
        <translation>移除“%1”</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/attachments/thumbnails.py" line="71" />
        <source>Not downloaded yet</source>
        <translation>尚未下载</translation>
    </message>
</context>
<context>
    <name>BatchExportDialog</name>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="44" />
        <source>Export visit records</source>
        <translation>导出走访记录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="49" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="54" />
        <source>One combined file instead of one file per visit</source>
        <translation>合并为一个文件（而不是每次走访一个文件）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="63" />
        <source>&amp;Open folder</source>
        <translation>打开所在文件夹(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="69" />
        <source>&amp;Month</source>
        <translation>月份(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="71" />
        <source>&amp;Folder</source>
        <translation>保存位置(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="85" />
        <source>Folder for the PDFs</source>
        <translation>PDF 保存位置</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="100" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="119" />
        <source>%1 of %2 visit records</source>
        <translation>第 %1 份，共 %2 份走访记录</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/reports/batch.py" line="127" />
        <source>Cancelled after %n file(s).</source>
        <translation><numerusform>已取消，已导出 %n 个文件。</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/reports/batch.py" line="129" />
        <source>%n file(s) written.</source>
        <translation><numerusform>已导出 %n 个文件。</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/batch.py" line="149" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>Breakdown</name>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="105" />
        <source>%1 others</source>
        <translation>其余 %1 项</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="395" />
        <source>Check the rows</source>
        <translation>检查各行</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="396" />
        <source>A trial run: nothing is written until you press Import.</source>
        <translation>试运行：按“导入”之前不会写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="397" />
        <source>S&amp;kip rows with errors (import the others)</source>
        <translation>跳过有错误的行，导入其余各行(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="398" />
        <source>Enterprises already on &amp;record:</source>
        <translation>已登记的企业(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="399" />
        <source>update them with the file's values</source>
        <translation>用文件中的值更新</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="400" />
        <source>leave them as they are</source>
        <translation>保持不变（跳过）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="401" />
        <source>&amp;Cancel check</source>
        <translation>取消检查(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="402" />
        <source>Press Enter on a problem to see its row here.</source>
        <translation>在上方的问题上按回车键（或双击），这里显示该行的各个单元格。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="433" />
        <source>Checking every row…</source>
        <translation>正在检查每一行…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="450" />
        <source>The check failed: %1</source>
        <translation>检查未完成：%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="456" />
        <source>Check cancelled. Press Back, or change an option.</source>
        <translation>检查已取消。可以返回上一步，或更改选项重新检查。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="461" />
        <source>%1 rows read: %2 new enterprises, %3 to update, %4 unchanged, %5 rows skipped.</source>
        <translation>共读取 %1 行：新增 %2 家企业，更新 %3 家，%4 家无变化，跳过 %5 行。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="471" />
        <source>%1 rows read.</source>
        <translation>共读取 %1 行。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="473" />
        <source>%n problem(s) found: nothing is imported while a row has an error. Correct the file and choose it again, or skip the rows with errors.</source>
        <translation><numerusform>发现 %n 处问题：只要有一行有错误，就不会导入任何内容。请改正文件后重新选择，或勾选“跳过有错误的行”。</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="479" />
        <source>%n problem(s) found in the rows skipped.</source>
        <translation><numerusform>跳过的行中共有 %n 处问题。</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="481" />
        <source>Nothing to import: every enterprise is already on record.</source>
        <translation>没有需要导入的内容：所有企业均已登记且没有变化。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="483" />
        <source>No problems found.</source>
        <translation>没有发现问题。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="528" />
        <source>Row %1 of the sheet:</source>
        <translation>工作表第 %1 行：</translation>
    </message>
</context>
<context>
    <name>ChoiceDialog</name>
    <message>
        <location filename="../../liaison_app/ui/sync/choice.py" line="83" />
        <source>Settle the conflict</source>
        <translation>处理冲突</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/choice.py" line="85" />
        <source>Values for %1:</source>
        <translation>%1（可多选）：</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/choice.py" line="85" />
        <source>Value for %1:</source>
        <translation>%1的值：</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/choice.py" line="89" />
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/choice.py" line="90" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="190" />
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="191" />
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="224" />
        <source>Keep &amp;mine</source>
        <translation>保留我的(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="192" />
        <source>Keep &amp;theirs</source>
        <translation>保留对方的(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="193" />
        <source>&amp;Edit…</source>
        <translation>修改(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="194" />
        <source>Mer&amp;ge…</source>
        <translation>合并(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="195" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="196" />
        <source>No open conflicts: everyone's changes agree.</source>
        <translation>没有待处理的冲突：各方的更改一致。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="221" />
        <source>Keep &amp;both</source>
        <translation>都保留(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="234" />
        <source>Base (before both changes)</source>
        <translation>原值（双方修改前）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="235" />
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="236" />
        <source>Theirs</source>
        <translation>对方的</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="257" />
        <source>Two enterprises look like one firm (same USCC, or same name and district). Keep both, or merge them: the visits and problems of one move onto the other.</source>
        <translation>两家企业看起来是同一家（统一社会信用代码相同，或名称和区县相同）。可以都保留，或合并：一家的走访和问题移到另一家名下。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="275" />
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="276" />
        <source>%n visit(s)</source>
        <translation><numerusform>%n 次走访</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="277" />
        <source>%n problem(s)</source>
        <translation><numerusform>%n 个问题</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="284" />
        <source>Added by %1 · %2</source>
        <translation>新增人 %1 · %2</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="341" />
        <source>Settle the conflict</source>
        <translation>处理冲突</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="342" />
        <source>Value for %1:</source>
        <translation>%1的值：</translation>
    </message>
</context>
<context>
    <name>ConflictsTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="104" />
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="105" />
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="106" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="107" />
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/conflicts.py" line="108" />
        <source>Theirs</source>
        <translation>对方的</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="230" />
        <source>%1 resolved of %2 received</source>
        <translation>已办结 %1 件 / 受理 %2 件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="235" />
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="236" />
        <source>On-time rate</source>
        <translation>按期办结率</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="237" />
        <source>Call-back rate</source>
        <translation>回访率</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="238" />
        <source>Satisfaction rate</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="246" />
        <source>Received</source>
        <translation>受理数</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="246" />
        <source>Resolved</source>
        <translation>办结数</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="264" />
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="265" />
        <source>This year</source>
        <translation>本年度</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="266" />
        <source>Last 90 days</source>
        <translation>近90天</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="267" />
        <source>Last 30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="271" />
        <source>Resolution rate (resolved / received)</source>
        <translation>办结率（办结数 / 受理数）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="272" />
        <source>&amp;Print statistics…</source>
        <translation>打印统计报表(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="273" />
        <source>E&amp;xport ledger to Excel…</source>
        <translation>导出问题台账到 Excel(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="274" />
        <source>Every problem, whatever the period shown</source>
        <translation>导出全部问题，与所选统计期间无关</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="276" />
        <source>By category</source>
        <translation>按问题类别</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="277" />
        <source>By department</source>
        <translation>按牵头部门</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="278" />
        <source>By district</source>
        <translation>按区县</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="279" />
        <source>By officer</source>
        <translation>按联络员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="285" />
        <source>Satisfaction rate counts very satisfied, satisfied and basically satisfied among rated problems; periods count problems by the date raised.</source>
        <translation>满意率 =（非常满意 + 满意 + 基本满意）/ 已评价数；统计期间按问题提出日期计算。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/view.py" line="305" />
        <location filename="../../liaison_app/ui/dashboard/view.py" line="307" />
        <source>Statistics</source>
        <translation>统计报表</translation>
    </message>
</context>
<context>
    <name>EnterpriseEditor</name>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="122" />
        <source>As a supervisor you add enterprises in your district (%1) only.</source>
        <translation>督导只能在本区县（%1）新增企业。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="148" />
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="149" />
        <source>&amp;USCC</source>
        <translation>统一社会信用代码(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="150" />
        <source>&amp;District</source>
        <translation>所在区县(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="151" />
        <source>&amp;Industry</source>
        <translation>行业(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="152" />
        <source>Si&amp;ze</source>
        <translation>企业规模(&amp;Z)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="153" />
        <source>&amp;Ownership</source>
        <translation>经济类型(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="154" />
        <source>&amp;Address</source>
        <translation>经营地址(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="155" />
        <source>&amp;Legal representative</source>
        <translation>法定代表人(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="156" />
        <source>&amp;Contact person</source>
        <translation>联系人(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="157" />
        <source>Contact's &amp;title</source>
        <translation>联系人职务(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="158" />
        <source>&amp;Phone</source>
        <translation>联系电话(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="159" />
        <source>Par&amp;k / street</source>
        <translation>园区 / 街道(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="160" />
        <source>Liaison o&amp;fficer</source>
        <translation>联络员(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="161" />
        <source>Officer's u&amp;nit</source>
        <translation>联络员单位(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="162" />
        <source>Specialised &amp;&amp; innovative</source>
        <translation>专精特新</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="163" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="171" />
        <source>Edit enterprise</source>
        <translation>编辑企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="171" />
        <source>New enterprise</source>
        <translation>新增企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="219" />
        <source>%1 already has this USCC; a USCC names one enterprise.</source>
        <translation>%1 已使用此统一社会信用代码（一个代码只对应一家企业）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="283" />
        <source>USCC already on record</source>
        <translation>统一社会信用代码已登记</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="286" />
        <source>%1 already has this USCC. A USCC names one legal entity, so it cannot be saved for a second enterprise.</source>
        <translation>%1 已使用此统一社会信用代码。一个统一社会信用代码只对应一个法人主体，不能再登记给另一家企业。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="291" />
        <source>Open %1</source>
        <translation>打开 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="293" />
        <source>Keep editing</source>
        <translation>继续编辑</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="308" />
        <source>Unsaved changes</source>
        <translation>尚未保存的修改</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/editor.py" line="309" />
        <source>Discard the changes you made?</source>
        <translation>放弃所做的修改吗？</translation>
    </message>
</context>
<context>
    <name>EnterpriseTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/enterprises/table_model.py" line="39" />
        <source>Name</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/table_model.py" line="40" />
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/table_model.py" line="41" />
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/table_model.py" line="42" />
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/table_model.py" line="43" />
        <source>Size</source>
        <translation>规模</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/table_model.py" line="44" />
        <source>Open problems</source>
        <translation>未办结问题</translation>
    </message>
</context>
<context>
    <name>EnterprisesView</name>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="177" />
        <source>%1 enterprise</source>
        <translation>%1 家企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="177" />
        <source>%1 enterprises</source>
        <translation>%1 家企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="190" />
        <source>Search name, USCC, address, contact… (Ctrl+F)</source>
        <translation>搜索名称、信用代码、地址、联系人…（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="191" />
        <source>All districts</source>
        <translation>全部区县</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="192" />
        <source>All industries</source>
        <translation>全部行业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="193" />
        <source>All sizes</source>
        <translation>全部规模</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="194" />
        <source>All officers</source>
        <translation>全部联络员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="195" />
        <source>&amp;New enterprise</source>
        <translation>新增企业(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="197" />
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="196" />
        <source>Ed&amp;it…</source>
        <translation>修改(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="198" />
        <source>&amp;Record visit</source>
        <translation>登记走访(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="199" />
        <source>Visit history</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="232" />
        <source>No enterprise selected.</source>
        <translation>未选择企业。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="237" />
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="237" />
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="238" />
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="240" />
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="243" />
        <source>Size</source>
        <translation>规模</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="244" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="246" />
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="249" />
        <source>Liaison officer</source>
        <translation>联络员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="253" />
        <source>Specialised and innovative</source>
        <translation>专精特新企业</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/enterprises/view.py" line="280" />
        <source>Open problems: %n</source>
        <translation><numerusform>未办结问题：%n 个</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="281" />
        <source>overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="378" />
        <source>Delete %1</source>
        <translation>删除 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="381" />
        <source>Deleted %1</source>
        <translation>已删除 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="386" />
        <source>Delete enterprise</source>
        <translation>删除企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="388" />
        <source>Delete %1? Its visits and problems go with it; Undo brings them back.</source>
        <translation>删除 %1？其走访记录和问题一并删除；可用“撤销”恢复。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/enterprises/view.py" line="393" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../liaison_app/ui/errors.py" line="31" />
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/errors.py" line="48" />
        <source>Cannot do that</source>
        <translation>无法完成操作</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/errors.py" line="57" />
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/errors.py" line="58" />
        <source>Something went wrong. Nothing you saved before is lost. The details are in the log; please send them to support.</source>
        <translation>程序出现错误。之前保存的内容不会丢失。详细信息已写入日志，请发送给技术支持。</translation>
    </message>
</context>
<context>
    <name>Exporter</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="37" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="38" />
        <source>CSV, UTF-8 with BOM — opens in Excel (*.csv)</source>
        <translation>CSV，UTF-8 带 BOM — Excel 可直接打开 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="41" />
        <source>CSV, GB18030 — for older software (*.csv)</source>
        <translation>CSV，GB18030 — 适用于旧版软件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="61" />
        <source>&amp;Open folder</source>
        <translation>打开所在文件夹(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="95" />
        <source>Writing %1…</source>
        <translation>正在写入 %1…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="97" />
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="124" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="145" />
        <source>%n row(s) written to %1.</source>
        <translation>已将 %n 行写入 %1。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="168" />
        <source>Export the problem ledger</source>
        <translation>导出问题台账</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="169" />
        <source>problem-ledger</source>
        <translation>问题台账</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="194" />
        <source>Export visits</source>
        <translation>导出走访记录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/export.py" line="196" />
        <source>visits</source>
        <translation>走访记录</translation>
    </message>
</context>
<context>
    <name>FiguresTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/dashboard/figures_model.py" line="43" />
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/figures_model.py" line="44" />
        <source>Received</source>
        <translation>受理数</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/figures_model.py" line="45" />
        <source>Resolved</source>
        <translation>办结数</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/figures_model.py" line="46" />
        <source>Resolution rate</source>
        <translation>办结率</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/figures_model.py" line="47" />
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/figures_model.py" line="48" />
        <source>On-time rate</source>
        <translation>按期办结率</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/dashboard/figures_model.py" line="49" />
        <source>Satisfaction rate</source>
        <translation>满意率</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="124" />
        <source>Choose the file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="127" />
        <source>An Excel workbook (.xlsx) or a CSV file with one enterprise per row and a header row naming the columns (title rows above it are fine).</source>
        <translation>Excel 工作簿（.xlsx）或 CSV 文件：每行一家企业，并有一行表头写明各列名称（表头上方可以有标题行）。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="131" />
        <source>&amp;File:</source>
        <translation>文件(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="132" />
        <source>&amp;Sheet:</source>
        <translation>工作表(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="133" />
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="134" />
        <source>Path of an .xlsx or .csv file</source>
        <translation>.xlsx 或 .csv 文件的路径</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="157" />
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="181" />
        <source>Cannot import this file: %1</source>
        <translation>无法导入此文件：%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="191" />
        <source>Sheet “%1”: the header is row %2, with %3 columns. Next: check the mapping.</source>
        <translation>工作表“%1”：表头在第 %2 行，共 %3 列。下一步：核对各列对应的字段。</translation>
    </message>
</context>
<context>
    <name>ImportFields</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="28" />
        <source>(do not import)</source>
        <translation>不导入</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="29" />
        <source>Enterprise name</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="30" />
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="31" />
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="32" />
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="33" />
        <source>Size</source>
        <translation>规模</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="34" />
        <source>Ownership</source>
        <translation>经济类型</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="35" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="36" />
        <source>Legal representative</source>
        <translation>法定代表人</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="37" />
        <source>Contact person</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="38" />
        <source>Contact's title</source>
        <translation>联系人职务</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="39" />
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="40" />
        <source>Park / street</source>
        <translation>园区 / 街道</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="41" />
        <source>Liaison officer</source>
        <translation>联络员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="42" />
        <source>Officer's unit</source>
        <translation>联络员单位</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="43" />
        <source>Specialised &amp; innovative</source>
        <translation>专精特新</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="44" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="45" />
        <source>City (to tell districts apart)</source>
        <translation>所属城市（用于区分同名区县）</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_wizard.py" line="149" />
        <source>Enterprise list to import</source>
        <translation>选择要导入的企业名单</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_wizard.py" line="151" />
        <source>Enterprise lists (*.xlsx *.csv);;All files (*)</source>
        <translation>企业名单 (*.xlsx *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_wizard.py" line="169" />
        <source>import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_wizard.py" line="181" />
        <source>Import enterprises</source>
        <translation>导入企业名单</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_wizard.py" line="182" />
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
</context>
<context>
    <name>IssuesTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="173" />
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="174" />
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="175" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="176" />
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="188" />
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="190" />
        <source>Warning</source>
        <translation>提示</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="94" />
        <source>Visit saved</source>
        <translation>走访已保存</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="184" />
        <source>Liaison — enterprise problems, visits and follow-ups</source>
        <translation>驻企联络 — 企业诉求、走访与跟踪办理</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="186" />
        <source>My enterprises</source>
        <translation>我的企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="187" />
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="188" />
        <source>Problem ledger</source>
        <translation>问题台账</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="189" />
        <source>Follow-ups due</source>
        <translation>待跟进</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="190" />
        <source>Dashboard</source>
        <translation>统计看板</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="197" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="198" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="199" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="200" />
        <source>S&amp;ync</source>
        <translation>同步(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="201" />
        <source>Sync &amp;now</source>
        <translation>立即同步(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="202" />
        <source>Sign &amp;in…</source>
        <translation>登录(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="203" />
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="204" />
        <source>&amp;Conflicts…</source>
        <translation>冲突(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="205" />
        <source>Changes &amp;not accepted…</source>
        <translation>未被接受的更改(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="206" />
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="207" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="208" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="209" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="212" />
        <source>New &amp;visit</source>
        <translation>新建走访(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="213" />
        <source>New &amp;enterprise</source>
        <translation>新增企业(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="214" />
        <source>&amp;Save visit</source>
        <translation>保存走访(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="215" />
        <source>E&amp;xport visit records…</source>
        <translation>导出走访记录(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="216" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="217" />
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="218" />
        <source>&amp;About Liaison</source>
        <translation>关于驻企联络(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="219" />
        <source>&amp;Import enterprises…</source>
        <translation>导入企业名单(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="230" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="230" />
        <source>&amp;Undo %1</source>
        <translation>撤销%1(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="235" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="235" />
        <source>&amp;Redo %1</source>
        <translation>重做%1(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="296" />
        <source>About Liaison</source>
        <translation>关于驻企联络</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="298" />
        <source>Liaison %1 — records of enterprise visits and the problems raised, kept on this computer and usable offline.</source>
        <translation>驻企联络 %1 — 企业走访与诉求办理记录，保存在本机，离线可用。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="327" />
        <source>Enterprises: %1 · open problems: %2 · overdue: %3</source>
        <translation>企业 %1 家 · 未办结问题 %2 件 · 超期 %3 件</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="376" />
        <source>(no officer set)</source>
        <translation>（未设置联络员）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="377" />
        <source>Officer: %1</source>
        <translation>联络员：%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="392" />
        <source>Supervisor of %1</source>
        <translation>%1 督导</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="394" />
        <source>Supervisor (no district assigned yet)</source>
        <translation>督导（尚未分配区县）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="397" />
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="494" />
        <source>Unsaved visit</source>
        <translation>未保存的走访</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/main_window.py" line="496" />
        <source>The visit you are recording is not saved. Quit anyway? (It is kept as a draft and offered again next time.)</source>
        <translation>正在登记的走访尚未保存。仍要退出吗？（已存为草稿，下次启动时可恢复。）</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="252" />
        <source>Check the mapping</source>
        <translation>核对列的对应关系</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="253" />
        <source>Which enterprise field each column of the file fills.</source>
        <translation>文件中的每一列分别导入为企业的哪个字段。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="257" />
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="258" />
        <source>Header in the file</source>
        <translation>文件中的表头</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="259" />
        <source>Import as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="260" />
        <source>First row</source>
        <translation>第一行的值</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="265" />
        <source>The first rows of the sheet:</source>
        <translation>工作表的前几行：</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="279" />
        <source>Row %1 of “%2” is the header row. Choose “(do not import)” for a column the enterprise list should leave out; the enterprise name is required.</source>
        <translation>“%2”的第 %1 行是表头。不需要的列请选“不导入”；企业名称为必填。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_pages.py" line="284" />
        <source>The mapping you chose for these headers last time is used.</source>
        <translation>已沿用上次为这组表头选择的对应关系。</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="95" />
        <source>Merge duplicate enterprises</source>
        <translation>合并重复企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="98" />
        <source>These two enterprises look like one firm. Choose the one to keep: the other's visits and problems (with their follow-ups and attachments) move onto it, and the other is deleted.</source>
        <translation>这两家企业看起来是同一家。请选择要保留的一家：另一家的走访和问题（连同跟进记录和附件）将移到它名下，另一家随后删除。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="105" />
        <source>Keep %1 (%2)</source>
        <translation>保留 %1（%2）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="109" />
        <source>&amp;Merge</source>
        <translation>合并(&amp;M)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/merge.py" line="117" />
        <location filename="../../liaison_app/ui/sync/merge.py" line="131" />
        <source>%n visit(s)</source>
        <translation><numerusform>%n 次走访</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="118" />
        <source>, </source>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/merge.py" line="119" />
        <location filename="../../liaison_app/ui/sync/merge.py" line="132" />
        <source>%n problem(s)</source>
        <translation><numerusform>%n 个问题</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/merge.py" line="133" />
        <source>%n follow-up(s)</source>
        <translation><numerusform>%n 条跟进记录</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/merge.py" line="134" />
        <source>%n attachment(s)</source>
        <translation><numerusform>%n 个附件</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="136" />
        <source>Moves %1 and %2 (with %3 and %4) from %5 to %6, then deletes %5.</source>
        <translation>将 %1 和 %2（连同 %3、%4）从 %5 移到 %6 名下，然后删除 %5。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="148" />
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/merge.py" line="161" />
        <source>Merge %1 into %2</source>
        <translation>将 %1 并入 %2</translation>
    </message>
</context>
<context>
    <name>NotAcceptedDialog</name>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="148" />
        <source>Changes not accepted</source>
        <translation>未被接受的更改</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="149" />
        <source>&amp;Send again</source>
        <translation>重新发送(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="150" />
        <source>&amp;Discard</source>
        <translation>放弃(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="151" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="154" />
        <source>The server did not accept these changes. Fix the record (the reason says what is wrong) and send the change again, or discard it: an edited record then shows what the server holds, a new record the server never accepted is removed from this computer.</source>
        <translation>服务器没有接受这些更改。请按原因修改记录后重新发送，或放弃更改：修改过的记录将显示服务器上的内容，服务器从未接受的新记录将从本机移除。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="270" />
        <source>Give these %n changes up? The edited records will show what the server holds; %1</source>
        <translation>放弃这 %n 项更改？修改过的记录将显示服务器上的内容；%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="277" />
        <source>%n new record(s) the server never accepted will be removed from this computer.</source>
        <translation>服务器从未接受的 %n 条新记录将从本机移除。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="160" />
        <source>Every change was accepted.</source>
        <translation>所有更改都已被接受。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="246" />
        <source>Give this new record up? The server never accepted it, so it is removed from this computer.</source>
        <translation>放弃这条新记录？服务器从未接受它，放弃后它将从本机移除。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="252" />
        <source>Give this change up? The record will show what the server holds.</source>
        <translation>放弃这项更改？记录将显示服务器上的内容。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="256" />
        <source>Give these %n new records up? The server never accepted them, so they are removed from this computer.</source>
        <translation>放弃这 %n 条新记录？服务器从未接受它们，放弃后它们将从本机移除。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="264" />
        <source>Give these %n changes up? The records will show what the server holds.</source>
        <translation>放弃这 %n 项更改？这些记录将显示服务器上的内容。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="191" />
        <source>Discard the change</source>
        <translation>放弃更改</translation>
    </message>
</context>
<context>
    <name>NotAcceptedTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="78" />
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="79" />
        <source>Change</source>
        <translation>更改</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/rejected.py" line="80" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>Permissions</name>
    <message>
        <location filename="../../liaison_app/ui/permissions.py" line="15" />
        <source>The server has not given you a district yet, so it would not accept this.</source>
        <translation>服务器尚未给您分配区县，这项操作不会被接受。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/permissions.py" line="20" />
        <source>This enterprise is outside your district (%1): the server would not accept changes to it.</source>
        <translation>该企业不在您的区县（%1）：服务器不会接受对它的修改。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/permissions.py" line="26" />
        <source>Choose two different enterprises.</source>
        <translation>请选择两家不同的企业。</translation>
    </message>
</context>
<context>
    <name>ProblemDetail</name>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="82" />
        <source>Log a follow-up…</source>
        <translation>记录跟进…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="92" />
        <source>Select a problem to see its timeline.</source>
        <translation>选择一个问题查看办理过程。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="95" />
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="98" />
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="99" />
        <source>Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="100" />
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="101" />
        <source>Raised on</source>
        <translation>提出日期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="102" />
        <source>Lead department</source>
        <translation>牵头部门</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="103" />
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="104" />
        <source>What the enterprise asks for</source>
        <translation>企业诉求</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="105" />
        <source>Result</source>
        <translation>办理结果</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="106" />
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/detail.py" line="114" />
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
</context>
<context>
    <name>ProblemLedgerView</name>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="229" />
        <source>Search number, description, result… (Ctrl+F)</source>
        <translation>搜索编号、问题描述、办理结果…（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="230" />
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="231" />
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="232" />
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="233" />
        <source>All districts</source>
        <translation>全部区县</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="234" />
        <source>All officers</source>
        <translation>全部联络员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="235" />
        <source>&amp;Overdue only</source>
        <translation>仅看超期(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="236" />
        <source>Raised between</source>
        <translation>提出日期介于</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="237" />
        <source>Delete problem</source>
        <translation>删除问题</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="238" />
        <source>&amp;Print ledger…</source>
        <translation>打印问题台账(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="239" />
        <source>E&amp;xport to Excel…</source>
        <translation>导出到 Excel(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="240" />
        <source>My problems</source>
        <translation>我的问题</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="241" />
        <source>Everyone's problems</source>
        <translation>所有人的问题</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="252" />
        <source>%1 problem</source>
        <translation>%1 个问题</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="252" />
        <source>%1 problems</source>
        <translation>%1 个问题</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="265" />
        <source>My problems (raised by %1) that are overdue, due within %2 days, or received and not accepted for more than %3 working days; most urgent first.</source>
        <translation>我的问题（%1 登记的）：已超期、%2 天内到期，或登记后超过 %3 个工作日仍未受理的，最紧急的在前。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="270" />
        <source>Everyone's problems that are overdue, due within %2 days, or received and not accepted for more than %3 working days; most urgent first.</source>
        <translation>所有人的问题：已超期、%2 天内到期，或登记后超过 %3 个工作日仍未受理的，最紧急的在前。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="350" />
        <source>Delete problem %1</source>
        <translation>删除问题 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/view.py" line="372" />
        <location filename="../../liaison_app/ui/problems/view.py" line="373" />
        <source>Problem ledger</source>
        <translation>问题台账</translation>
    </message>
</context>
<context>
    <name>ProblemTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="63" />
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="64" />
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="65" />
        <source>Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="66" />
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="67" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="68" />
        <source>Department</source>
        <translation>牵头部门</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="69" />
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="70" />
        <source>How late</source>
        <translation>超期 / 等待</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="71" />
        <source>Raised</source>
        <translation>提出日期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="82" />
        <source>due today</source>
        <translation>今天到期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="85" />
        <source>%1 day overdue</source>
        <translation>超期 %1 天</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="87" />
        <source>%1 days overdue</source>
        <translation>超期 %1 天</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="91" />
        <source>due in %1 day</source>
        <translation>%1 天后到期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="93" />
        <source>due in %1 days</source>
        <translation>%1 天后到期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="100" />
        <source>waiting %1 day</source>
        <translation>%1 天未受理</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/table_model.py" line="102" />
        <source>waiting %1 days</source>
        <translation>%1 天未受理</translation>
    </message>
</context>
<context>
    <name>ReportPreview</name>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/reports/preview.py" line="88" />
        <source>%n page(s)</source>
        <translation><numerusform>共 %n 页</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/preview.py" line="89" />
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/preview.py" line="90" />
        <source>&amp;Save as…</source>
        <translation>另存为(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/preview.py" line="91" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/preview.py" line="96" />
        <source>Save report</source>
        <translation>保存报表</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/preview.py" line="96" />
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/preview.py" line="126" />
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/reports/preview.py" line="151" />
        <source>The printer could not be started.</source>
        <translation>无法启动打印机。</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_result.py" line="29" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_result.py" line="30" />
        <source>&amp;Cancel import</source>
        <translation>取消导入(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_result.py" line="38" />
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_result.py" line="50" />
        <source>Nothing was imported: %1</source>
        <translation>没有导入任何内容：%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_result.py" line="57" />
        <source>Import cancelled: nothing was written.</source>
        <translation>导入已取消：没有写入任何内容。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/exchange/import_result.py" line="61" />
        <source>Nothing was imported: %n problem(s) were found (the file or the enterprises on record changed since the check).</source>
        <translation><numerusform>没有导入任何内容：发现 %n 处问题（检查之后，文件或已登记的企业发生了变化）。</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_result.py" line="70" />
        <source>Imported from %1: %2 new enterprises, %3 updated, %4 unchanged, %5 rows skipped.

Edit › Undo takes the whole import back.</source>
        <translation>已从 %1 导入：新增 %2 家企业，更新 %3 家，%4 家无变化，跳过 %5 行。

如需撤回，可使用“编辑 › 撤销”一次撤销整个导入。</translation>
    </message>
</context>
<context>
    <name>RowCellsTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="235" />
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="236" />
        <source>Header in the file</source>
        <translation>文件中的表头</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="237" />
        <source>Imported as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/exchange/import_models.py" line="238" />
        <source>Value</source>
        <translation>值</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="88" />
        <source>Sign in to the sync server</source>
        <translation>登录同步服务器</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="91" />
        <source>Signed in, this computer sends your records to the server and brings your colleagues' back whenever it can reach it. Work offline as usual: nothing is lost while there is no network.</source>
        <translation>登录后，只要能连上服务器，本机就会把您的记录发送到服务器，并取回同事的记录。没有网络时照常工作，任何记录都不会丢失。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="96" />
        <source>&amp;Server address</source>
        <translation>服务器地址(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="97" />
        <source>&amp;User name</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="98" />
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="100" />
        <source>Sign &amp;in</source>
        <translation>登录(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="101" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="109" />
        <source>Changes made before signing in</source>
        <translation>登录前所做的更改</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="110" />
        <source>%n change(s) recorded on this computer before signing in will be sent to the server as yours. Continue?</source>
        <translation>本机登录前记录的 %n 项更改将以您的名义发送到服务器。是否继续？</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="138" />
        <source>The server address starts with http:// or https://</source>
        <translation>服务器地址应以 http:// 或 https:// 开头</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="142" />
        <source>Please give your user name</source>
        <translation>请输入用户名</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="146" />
        <source>Please give your password</source>
        <translation>请输入密码</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="154" />
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="173" />
        <source>No keyring on this computer</source>
        <translation>本机没有可用的钥匙串</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="175" />
        <source>This computer has no usable keyring, so the sign-in lasts until the app is closed. Your password is never stored.</source>
        <translation>本机没有可用的系统钥匙串，登录状态只保持到关闭应用为止。密码不会被保存。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="190" />
        <source>Cannot reach the server at this address. Check the address and the network, then sign in again.</source>
        <translation>无法连接这个地址的服务器。请检查服务器地址和网络后重新登录。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="198" />
        <source>Something went wrong while signing in: %1</source>
        <translation>登录时出错：%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="206" />
        <source>Sign out %1?</source>
        <translation>退出登录 %1？</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/sign_in.py" line="227" />
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="111" />
        <source>&amp;Kind</source>
        <translation>类型(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="112" />
        <source>&amp;Department</source>
        <translation>牵头部门(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="113" />
        <source>Dead&amp;line</source>
        <translation>办理时限(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="114" />
        <source>&amp;Satisfaction</source>
        <translation>满意度(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="115" />
        <source>&amp;Result</source>
        <translation>办理结果(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="116" />
        <source>&amp;Reason</source>
        <translation>原因(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="117" />
        <source>Reason if &amp;dissatisfied</source>
        <translation>不满意原因(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="118" />
        <source>&amp;Text</source>
        <translation>内容(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="119" />
        <source>&amp;Note</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/problems/step_dialog.py" line="127" />
        <source>Log a follow-up</source>
        <translation>记录跟进</translation>
    </message>
</context>
<context>
    <name>SyncMarks</name>
    <message>
        <location filename="../../liaison_app/ui/sync/record_state.py" line="71" />
        <source>Not yet sent to the server</source>
        <translation>尚未发送到服务器</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/record_state.py" line="73" />
        <source>On the server</source>
        <translation>已发送到服务器</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/record_state.py" line="75" />
        <source>Not accepted by the server: %1</source>
        <translation>服务器未接受：%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/record_state.py" line="169" />
        <source>Sync: sent to the server or not</source>
        <translation>同步：是否已发送到服务器</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/status.py" line="56" />
        <source>%n change(s) not yet sent</source>
        <translation><numerusform>%n 项更改尚未发送</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/status.py" line="58" />
        <source>%n not accepted</source>
        <translation><numerusform>%n 项未被接受</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/sync/status.py" line="60" />
        <source>%n conflict(s)</source>
        <translation><numerusform>%n 处冲突</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="65" />
        <source>Offline — all work is kept on this computer · Sign in…</source>
        <translation>离线 — 所有记录保存在本机 · 登录…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="73" />
        <source>Syncing: sending %1 of %2</source>
        <translation>正在同步：发送第 %1 项，共 %2 项</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="78" />
        <source>Syncing: %1 records received</source>
        <translation>正在同步：已接收 %1 条记录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="79" />
        <source>Syncing: %1</source>
        <translation>正在同步：%1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="81" />
        <source>Waiting for another sync of this folder…</source>
        <translation>正在等待本文件夹的另一次同步完成…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="68" />
        <location filename="../../liaison_app/ui/sync/status.py" line="83" />
        <source>Offline — will sync when the server is reachable</source>
        <translation>离线 — 连上服务器后自动同步</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="85" />
        <source>Device disabled — click to sign in again</source>
        <translation>此设备已被管理员停用 — 点击重新登录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="87" />
        <source>Sign-in needed — click to sign in again</source>
        <translation>需要重新登录 — 点击登录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="89" />
        <source>Sync failed — click to retry</source>
        <translation>同步失败 — 点击重试</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="93" />
        <source>Last sync %1</source>
        <translation>最近同步 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="94" />
        <source>Up to date · last sync %1</source>
        <translation>已同步 · 最近同步 %1</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="95" />
        <source>Signed in — not synced yet</source>
        <translation>已登录 — 尚未同步</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="99" />
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="100" />
        <source>fetching reference data…</source>
        <translation>正在获取基础数据…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="101" />
        <source>uploading files…</source>
        <translation>正在上传文件…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="102" />
        <source>sending changes…</source>
        <translation>正在发送更改…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="103" />
        <source>receiving changes…</source>
        <translation>正在接收更改…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="104" />
        <source>downloading files…</source>
        <translation>正在下载文件…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="105" />
        <source>working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="109" />
        <source>Sign in to a sync server to send your records to the office</source>
        <translation>登录同步服务器，把记录发送到单位</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="112" />
        <source>Click to sign in</source>
        <translation>点击重新登录</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/sync/status.py" line="115" />
        <source>Click to sync now (F5)</source>
        <translation>点击立即同步（F5）</translation>
    </message>
</context>
<context>
    <name>UndoNotice</name>
    <message>
        <location filename="../../liaison_app/ui/undo.py" line="133" />
        <location filename="../../liaison_app/ui/undo.py" line="153" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>VisitDetail</name>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="52" />
        <source>Select a visit to see what was recorded and its photos.</source>
        <translation>选择一次走访，查看记录内容和照片。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="57" />
        <source>Officers</source>
        <translation>走访人员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="58" />
        <source>People met</source>
        <translation>接待人员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="59" />
        <source>Business situation</source>
        <translation>生产经营情况</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="60" />
        <source>Policies explained</source>
        <translation>宣讲政策</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="61" />
        <source>Enterprise's opinions</source>
        <translation>企业意见</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="62" />
        <source>Solved on site</source>
        <translation>现场解决情况</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/detail.py" line="63" />
        <source>Summary</source>
        <translation>小结</translation>
    </message>
</context>
<context>
    <name>VisitEntry</name>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="248" />
        <source>Draft saved</source>
        <translation>草稿已保存</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="275" />
        <source>Unsaved visit</source>
        <translation>未保存的走访</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="276" />
        <source>A visit you were recording was not saved. Restore it?</source>
        <translation>有一条正在登记的走访尚未保存。要恢复吗？</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="277" />
        <source>&amp;Restore</source>
        <translation>恢复(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="278" />
        <source>&amp;Later (keep the draft)</source>
        <translation>以后再说（保留草稿）(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="280" />
        <source>&amp;Discard the draft</source>
        <translation>删除草稿(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="302" />
        <source>Choose the enterprise visited</source>
        <translation>请选择走访的企业</translation>
    </message>
    <message numerus="yes">
        <location filename="../../liaison_app/ui/visits/entry.py" line="320" />
        <source>Visit saved with %n problem(s)</source>
        <translation><numerusform>走访已保存，含 %n 个问题</numerusform></translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="362" />
        <source>&amp;Enterprise</source>
        <translation>企业(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="363" />
        <source>&amp;Date</source>
        <translation>走访日期(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="364" />
        <source>&amp;Mode</source>
        <translation>走访方式(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="365" />
        <source>O&amp;fficers</source>
        <translation>走访人员(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="366" />
        <source>&amp;People met</source>
        <translation>接待人员(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="367" />
        <source>&amp;Business situation</source>
        <translation>生产经营情况(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="368" />
        <source>Po&amp;licies explained</source>
        <translation>宣讲政策(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="369" />
        <source>Enterprise's opi&amp;nions</source>
        <translation>企业意见建议(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="371" />
        <source>S&amp;ummary</source>
        <translation>走访小结(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="385" />
        <source>P&amp;rint the saved visit for signing…</source>
        <translation>打印刚保存的走访记录供签字(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="370" />
        <source>Solved on si&amp;te</source>
        <translation>现场解决情况(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="378" />
        <source>Problems raised</source>
        <translation>企业反映的问题</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="380" />
        <source>Category · urgency · description · what the enterprise asks for</source>
        <translation>类别 · 紧急程度 · 问题描述 · 企业诉求</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="382" />
        <source>&amp;Add problem (Ctrl+Shift+N)</source>
        <translation>添加问题(&amp;A)（Ctrl+Shift+N）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="383" />
        <source>&amp;Save visit (Ctrl+Enter)</source>
        <translation>保存走访(&amp;S)（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="384" />
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="386" />
        <source>P&amp;hotos and scans of the saved visit…</source>
        <translation>刚保存走访的照片和扫描件(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="388" />
        <source>Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="389" />
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="390" />
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/entry.py" line="391" />
        <source>What the enterprise asks for</source>
        <translation>企业诉求</translation>
    </message>
</context>
<context>
    <name>VisitTableModel</name>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="71" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="72" />
        <source>Mode</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="73" />
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="74" />
        <source>Officers</source>
        <translation>走访人员</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="75" />
        <source>Summary</source>
        <translation>小结</translation>
    </message>
</context>
<context>
    <name>VisitsView</name>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="195" />
        <source>Record a visit</source>
        <translation>登记走访</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="196" />
        <source>All visits</source>
        <translation>全部走访</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="197" />
        <source>&amp;Print visit record…</source>
        <translation>打印走访记录表(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="198" />
        <source>E&amp;xport visits to Excel…</source>
        <translation>导出走访记录到 Excel(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/visits/view.py" line="223" />
        <location filename="../../liaison_app/ui/visits/view.py" line="224" />
        <source>Visit record</source>
        <translation>走访记录表</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <location filename="../../liaison_app/ui/welcome.py" line="25" />
        <source>Welcome to Liaison</source>
        <translation>欢迎使用驻企联络</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/welcome.py" line="28" />
        <source>Liaison keeps your enterprises, visits and the problems they raise on this computer; it works without a network. What is your name? It is written on visit records and follow-up actions.</source>
        <translation>驻企联络把您联系的企业、走访记录和企业反映的问题保存在本机，没有网络也能使用。请输入您的姓名，它将记入走访记录和跟进办理记录。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/welcome.py" line="37" />
        <source>Start with a &amp;demo data set (60 enterprises in Liaoning)</source>
        <translation>使用演示数据开始（辽宁 60 家企业）(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/welcome.py" line="39" />
        <source>Start &amp;empty</source>
        <translation>从空白开始(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/welcome.py" line="46" />
        <source>This data folder already holds %1 enterprises; they stay as they are.</source>
        <translation>此数据文件夹中已有 %1 家企业，将保持不变。</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/welcome.py" line="52" />
        <source>Your &amp;name</source>
        <translation>您的姓名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../liaison_app/ui/welcome.py" line="70" />
        <source>Please enter your name</source>
        <translation>请输入您的姓名</translation>
    </message>
</context>
</TS>