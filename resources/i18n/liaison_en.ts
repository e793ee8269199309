<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_GB">
  <context>
    <name>AttachmentsPanel</name>
    <message numerus="yes">
      <source>Photos and documents (%n)</source>
      <translation>
        <numerusform>Photos and documents (%n)</numerusform>
        <numerusform>Photos and documents (%n)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Remove %n attachment(s)</source>
      <translation>
        <numerusform>Remove %n attachment</numerusform>
        <numerusform>Remove %n attachments</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>BatchExportDialog</name>
    <message numerus="yes">
      <source>Cancelled after %n file(s).</source>
      <translation>
        <numerusform>Cancelled after %n file.</numerusform>
        <numerusform>Cancelled after %n files.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n file(s) written.</source>
      <translation>
        <numerusform>%n file written.</numerusform>
        <numerusform>%n files written.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>CheckPage</name>
    <message numerus="yes">
      <source>%n problem(s) found: nothing is imported while a row has an error. Correct the file and choose it again, or skip the rows with errors.</source>
      <translation>
        <numerusform>%n problem found: nothing is imported while a row has an error. Correct the file and choose it again, or skip the rows with errors.</numerusform>
        <numerusform>%n problems found: nothing is imported while a row has an error. Correct the file and choose it again, or skip the rows with errors.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n problem(s) found in the rows skipped.</source>
      <translation>
        <numerusform>%n problem found in the rows skipped.</numerusform>
        <numerusform>%n problems found in the rows skipped.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ConflictsDialog</name>
    <message numerus="yes">
      <source>%n visit(s)</source>
      <translation>
        <numerusform>%n visit</numerusform>
        <numerusform>%n visits</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n problem(s)</source>
      <translation>
        <numerusform>%n problem</numerusform>
        <numerusform>%n problems</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>EnterprisesView</name>
    <message numerus="yes">
      <source>Open problems: %n</source>
      <translation>
        <numerusform>Open problems: %n</numerusform>
        <numerusform>Open problems: %n</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>Exporter</name>
    <message numerus="yes">
      <source>%n row(s) written to %1.</source>
      <translation>
        <numerusform>%n row written to %1.</numerusform>
        <numerusform>%n rows written to %1.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>MergeDialog</name>
    <message numerus="yes">
      <source>%n visit(s)</source>
      <translation>
        <numerusform>%n visit</numerusform>
        <numerusform>%n visits</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n problem(s)</source>
      <translation>
        <numerusform>%n problem</numerusform>
        <numerusform>%n problems</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n follow-up(s)</source>
      <translation>
        <numerusform>%n follow-up</numerusform>
        <numerusform>%n follow-ups</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n attachment(s)</source>
      <translation>
        <numerusform>%n attachment</numerusform>
        <numerusform>%n attachments</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>NotAcceptedDialog</name>
    <message numerus="yes">
      <source>Give these %n changes up? The edited records will show what the server holds; %1</source>
      <translation>
        <numerusform>Give these %n changes up? The edited records will show what the server holds; %1</numerusform>
        <numerusform>Give these %n changes up? The edited records will show what the server holds; %1</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n new record(s) the server never accepted will be removed from this computer.</source>
      <translation>
        <numerusform>%n new record the server never accepted will be removed from this computer.</numerusform>
        <numerusform>%n new records the server never accepted will be removed from this computer.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Give these %n new records up? The server never accepted them, so they are removed from this computer.</source>
      <translation>
        <numerusform>Give these %n new records up? The server never accepted them, so they are removed from this computer.</numerusform>
        <numerusform>Give these %n new records up? The server never accepted them, so they are removed from this computer.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Give these %n changes up? The records will show what the server holds.</source>
      <translation>
        <numerusform>Give these %n changes up? The records will show what the server holds.</numerusform>
        <numerusform>Give these %n changes up? The records will show what the server holds.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ReportPreview</name>
    <message numerus="yes">
      <source>%n page(s)</source>
      <translation>
        <numerusform>%n page</numerusform>
        <numerusform>%n pages</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ResultPage</name>
    <message numerus="yes">
      <source>Nothing was imported: %n problem(s) were found (the file or the enterprises on record changed since the check).</source>
      <translation>
        <numerusform>Nothing was imported: %n problem was found (the file or the enterprises on record changed since the check).</numerusform>
        <numerusform>Nothing was imported: %n problems were found (the file or the enterprises on record changed since the check).</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SignInDialog</name>
    <message numerus="yes">
      <source>%n change(s) recorded on this computer before signing in will be sent to the server as yours. Continue?</source>
      <translation>
        <numerusform>%n change recorded on this computer before signing in will be sent to the server as yours. Continue?</numerusform>
        <numerusform>%n changes recorded on this computer before signing in will be sent to the server as yours. Continue?</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SyncStatus</name>
    <message numerus="yes">
      <source>%n change(s) not yet sent</source>
      <translation>
        <numerusform>%n change not yet sent</numerusform>
        <numerusform>%n changes not yet sent</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n not accepted</source>
      <translation>
        <numerusform>%n not accepted</numerusform>
        <numerusform>%n not accepted</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n conflict(s)</source>
      <translation>
        <numerusform>%n conflict</numerusform>
        <numerusform>%n conflicts</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>VisitEntry</name>
    <message numerus="yes">
      <source>Visit saved with %n problem(s)</source>
      <translation>
        <numerusform>Visit saved with %n problem</numerusform>
        <numerusform>Visit saved with %n problems</numerusform>
      </translation>
    </message>
  </context>
</TS>