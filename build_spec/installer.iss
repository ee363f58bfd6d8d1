; Inno Setup script: installs the one-folder build per user (no administrator rights needed).
; Build the folder first (build.ps1), then compile this with Inno Setup 6 (ISCC.exe installer.iss).
; Not tested in this repository's CI (no Windows runner here); see README.
#define AppName "司法所台账"
#define AppVersion "0.1.0"

[Setup]
AppId={{6F1C2E4B-9D3A-4C55-9E57-2B0D6A1F7C21}
AppName={#AppName}
AppVersion={#AppVersion}
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
OutputBaseFilename=司法所台账-{#AppVersion}-安装程序
Compression=lzma2
SolidCompression=yes
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppName}.exe

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\dist\{#AppName}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppName}.exe"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppName}.exe"

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "启动{#AppName}"; Flags: nowait postinstall skipifsilent
