Attribute VB_Name = "XlscoreRibbon"
' Ribbon callbacks of the xlscore add-in: one Sub per button of customUI.xml.
' Each hands over to Python through xlwings' RunPython (module "xlwings" of this
' project); the work itself is done by xlscore.macros.
' The Sub names carry the xlscore prefix because Excel resolves ribbon callbacks by
' name and they must not clash with other loaded add-ins.
Option Explicit

Sub XlscoreRetier(control As IRibbonControl)
    RunPython "import xlscore.macros; xlscore.macros.retier()"
End Sub

Sub XlscoreValidate(control As IRibbonControl)
    RunPython "import xlscore.macros; xlscore.macros.validate()"
End Sub

Sub XlscoreExplain(control As IRibbonControl)
    RunPython "import xlscore.macros; xlscore.macros.explain_selection()"
End Sub

Sub XlscoreSnapshot(control As IRibbonControl)
    RunPython "import xlscore.macros; xlscore.macros.snapshot()"
End Sub

Sub XlscoreNewFromTemplate(control As IRibbonControl)
    RunPython "import xlscore.macros; xlscore.macros.new_from_template()"
End Sub
