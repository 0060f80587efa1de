Attribute VB_Name = "XlscoreRibbon"
' Ribbon callbacks of the xlscore add-in: one Sub per button of customUI.xml.
' Each hands over to Python through xlwings' RunPython (module "xlwings" of this
' project); the work itself is done by xlscore.macros.
' The Sub names carry the xlscore prefix because Excel resolves ribbon callbacks by
' name and they must not clash with other loaded add-ins.
' With no workbook open (or only one in Protected View) ActiveWorkbook is Nothing, and
' RunPython itself reads ActiveWorkbook: every callback checks it first.
Option Explicit

Private Sub XlscoreNeedsWorkbook(button As String)
    MsgBox button & " works on the active scoring workbook, and no workbook is open." & vbLf & _
        "Open one (or click New from template) and try again.", vbInformation, "xlscore"
End Sub

Sub XlscoreRetier(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        XlscoreNeedsWorkbook "Re-tier"
        Exit Sub
    End If
    RunPython "import xlscore.macros; xlscore.macros.retier()"
End Sub

Sub XlscoreValidate(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        XlscoreNeedsWorkbook "Validate"
        Exit Sub
    End If
    RunPython "import xlscore.macros; xlscore.macros.validate()"
End Sub

Sub XlscoreExplain(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        XlscoreNeedsWorkbook "Explain"
        Exit Sub
    End If
    RunPython "import xlscore.macros; xlscore.macros.explain_selection()"
End Sub

Sub XlscoreSnapshot(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        XlscoreNeedsWorkbook "Snapshot"
        Exit Sub
    End If
    RunPython "import xlscore.macros; xlscore.macros.snapshot()"
End Sub

Sub XlscoreNewFromTemplate(control As IRibbonControl)
    Dim lent As Workbook
    If ActiveWorkbook Is Nothing Then
        ' RunPython needs an active workbook: lend it an empty one, closed again afterwards
        Set lent = Workbooks.Add
    End If
    RunPython "import xlscore.macros; xlscore.macros.new_from_template()"
    If Not lent Is Nothing Then lent.Close SaveChanges:=False
End Sub
