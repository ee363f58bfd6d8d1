# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'main_window.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication, QMetaObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QStatusBar, QTabWidget, QVBoxLayout, QWidget

class Ui_MainWindow(object):
    def setupUi(self, MainWindow):
        if not MainWindow.objectName():
            MainWindow.setObjectName(u"MainWindow")
        MainWindow.resize(1200, 760)
        self.actionQuit = QAction(MainWindow)
        self.actionQuit.setObjectName(u"actionQuit")
        self.actionImport = QAction(MainWindow)
        self.actionImport.setObjectName(u"actionImport")
        self.actionAuditLog = QAction(MainWindow)
        self.actionAuditLog.setObjectName(u"actionAuditLog")
        self.actionUndoImport = QAction(MainWindow)
        self.actionUndoImport.setObjectName(u"actionUndoImport")
        self.actionTemplate = QAction(MainWindow)
        self.actionTemplate.setObjectName(u"actionTemplate")
        self.actionAllTemplates = QAction(MainWindow)
        self.actionAllTemplates.setObjectName(u"actionAllTemplates")
        self.actionPackage = QAction(MainWindow)
        self.actionPackage.setObjectName(u"actionPackage")
        self.actionRollup = QAction(MainWindow)
        self.actionRollup.setObjectName(u"actionRollup")
        self.actionBackupTo = QAction(MainWindow)
        self.actionBackupTo.setObjectName(u"actionBackupTo")
        self.actionRestore = QAction(MainWindow)
        self.actionRestore.setObjectName(u"actionRestore")
        self.actionAbout = QAction(MainWindow)
        self.actionAbout.setObjectName(u"actionAbout")
        self.centralwidget = QWidget(MainWindow)
        self.centralwidget.setObjectName(u"centralwidget")
        self.centralLayout = QVBoxLayout(self.centralwidget)
        self.centralLayout.setObjectName(u"centralLayout")
        self.centralLayout.setContentsMargins(6, 6, 6, 0)
        self.tabs = QTabWidget(self.centralwidget)
        self.tabs.setObjectName(u"tabs")
        self.tabs.setDocumentMode(True)

        self.centralLayout.addWidget(self.tabs)

        MainWindow.setCentralWidget(self.centralwidget)
        self.menubar = QMenuBar(MainWindow)
        self.menubar.setObjectName(u"menubar")
        self.menuFile = QMenu(self.menubar)
        self.menuFile.setObjectName(u"menuFile")
        self.menuHelp = QMenu(self.menubar)
        self.menuHelp.setObjectName(u"menuHelp")
        MainWindow.setMenuBar(self.menubar)
        self.statusbar = QStatusBar(MainWindow)
        self.statusbar.setObjectName(u"statusbar")
        MainWindow.setStatusBar(self.statusbar)

        self.menubar.addAction(self.menuFile.menuAction())
        self.menubar.addAction(self.menuHelp.menuAction())
        self.menuFile.addAction(self.actionImport)
        self.menuFile.addAction(self.actionUndoImport)
        self.menuFile.addSeparator()
        self.menuFile.addAction(self.actionTemplate)
        self.menuFile.addAction(self.actionAllTemplates)
        self.menuFile.addSeparator()
        self.menuFile.addAction(self.actionPackage)
        self.menuFile.addAction(self.actionRollup)
        self.menuFile.addSeparator()
        self.menuFile.addAction(self.actionBackupTo)
        self.menuFile.addAction(self.actionRestore)
        self.menuFile.addSeparator()
        self.menuFile.addAction(self.actionAuditLog)
        self.menuFile.addSeparator()
        self.menuFile.addAction(self.actionQuit)
        self.menuHelp.addAction(self.actionAbout)

        self.retranslateUi(MainWindow)

        QMetaObject.connectSlotsByName(MainWindow)
    # setupUi

    def retranslateUi(self, MainWindow):
        MainWindow.setWindowTitle(QCoreApplication.translate("MainWindow", u"\u53f8\u6cd5\u6240\u53f0\u8d26", None))
        self.actionQuit.setText(QCoreApplication.translate("MainWindow", u"\u9000\u51fa(&X)", None))
        self.actionImport.setText(QCoreApplication.translate("MainWindow", u"\u5bfc\u5165 Excel\u2026(&I)", None))
        self.actionAuditLog.setText(QCoreApplication.translate("MainWindow", u"\u64cd\u4f5c\u8bb0\u5f55\u2026(&L)", None))
        self.actionUndoImport.setText(QCoreApplication.translate("MainWindow", u"\u64a4\u9500\u4e00\u6b21\u5bfc\u5165\u2026(&U)", None))
        self.actionTemplate.setText(QCoreApplication.translate("MainWindow", u"\u751f\u6210\u586b\u62a5\u6a21\u677f\u2026(&T)", None))
        self.actionAllTemplates.setText(QCoreApplication.translate("MainWindow", u"\u4e3a\u5168\u90e8\u6751(\u5c45)\u751f\u6210\u6a21\u677f\u2026(&A)", None))
        self.actionPackage.setText(QCoreApplication.translate("MainWindow", u"\u5bfc\u51fa\u4e0a\u62a5\u6570\u636e\u5305\u2026(&P)", None))
        self.actionRollup.setText(QCoreApplication.translate("MainWindow", u"\u6253\u5f00\u6216\u65b0\u5efa\u53bf\u7ea7\u6c47\u603b\u6570\u636e\u5e93\u2026(&C)", None))
        self.actionBackupTo.setText(QCoreApplication.translate("MainWindow", u"\u5907\u4efd\u5230\u2026(&B)", None))
        self.actionRestore.setText(QCoreApplication.translate("MainWindow", u"\u4ece\u5907\u4efd\u6062\u590d\u2026(&R)", None))
        self.actionAbout.setText(QCoreApplication.translate("MainWindow", u"\u5173\u4e8e\u672c\u7a0b\u5e8f(&A)", None))
        self.menuFile.setTitle(QCoreApplication.translate("MainWindow", u"\u6587\u4ef6(&F)", None))
        self.menuHelp.setTitle(QCoreApplication.translate("MainWindow", u"\u5e2e\u52a9(&H)", None))
    # retranslateUi

