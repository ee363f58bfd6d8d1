<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own texts that Qt 6.11 changed (an accelerator added) after its Chinese translation was made:
     qtbase_zh_CN.qm still translates "Look in:" but not "&Look in:", so Qt's file dialog (used on
     Linux desktops without a native one) and print dialog showed them in English.
     Compiled by tools/compile_translations.py into zhaocun_qt_zh_CN.qm; gui/app.install_chinese loads it after qtbase. -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <source>Page &amp;Set:</source>
        <translation>页面组(&amp;S)：</translation>
    </message>
</context>
</TS>
