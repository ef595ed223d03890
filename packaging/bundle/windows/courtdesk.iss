; Inno Setup 6 script: the Windows 10/11 installer of CourtDesk (法院办公桌面系统).
;
; NOT COMPILED HERE (no Windows machine, no Inno Setup on the project's Linux machines). Written against
; Inno Setup 6's documentation ([Setup] directives, [Files] flags, [Icons], constants such as {autopf},
; {autoprograms}, {autodesktop}, the ISPP preprocessor) for Inno Setup 6.3 or later (x64compatible, and
; UTF-8 scripts without a BOM — this file has Chinese text and no BOM). Not tried with Inno Setup 7.
; Reviewed line by line against those pages: docs/PACKAGING.md, "Reviewed against". Steps: same file,
; "Windows 10/11".
;
;   1. build the folder:  pyinstaller ... packaging\bundle\windows\courtdesk-win.spec  → build\bundle\dist-win\courtdesk\
;   2. compile:           "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\bundle\windows\courtdesk.iss
;   3. result:            build\bundle\courtdesk-<version>-win-x64-setup.exe
;
; Install mode: by default for the current user only (no administrator needed: %LOCALAPPDATA%\Programs);
; the first page offers "all users" (Program Files, needs an administrator) — on a court's shared
; workstation the IT staff pick that. Unattended: setup.exe /VERYSILENT /ALLUSERS (or /CURRENTUSER).
; The database and files live in the user's folders (not in the program folder), so uninstalling or
; upgrading never touches them.

#define AppName "法院办公桌面系统"
#define AppNameLatin "CourtDesk"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root AddBackslash(SourcePath) + "..\..\.."
#define Dist Root + "\build\bundle\dist-win\courtdesk"

[Setup]
; A fixed GUID: it identifies the product for upgrades and uninstall; never reuse it for another program.
AppId={{6F1C3B52-9A7E-4D2B-8C1F-3E5A7D9B2C40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=CourtDesk 项目组
DefaultDirName={autopf}\{#AppNameLatin}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
UsePreviousPrivileges=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\build\bundle
OutputBaseFilename=courtdesk-{#AppVersion}-win-x64-setup
SetupIconFile={#Root}\build\bundle\icons\courtdesk.ico
UninstallDisplayIcon={app}\courtdesk.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; a running CourtDesk is closed (and its database released) before files are replaced
CloseApplications=yes
RestartApplications=no

[Languages]
; Chinese Simplified is the installer's language. Inno Setup 6 does NOT ship ChineseSimplified.isl: it
; is an unofficial, user-contributed translation (jrsoftware.org/files/istrans/, or the issrc
; repository's Files\Languages\Unofficial\), and Inno Setup's own installer copies only the official
; Files\Languages\*.isl into Languages\. Inno Setup 7.0.2 and later ship it as an official translation
; in Languages\. So: the compiler's Languages\ first (Inno Setup 7, or a copy put there by hand), else a copy
; beside this script (Inno Setup 6: download the one made for your version, see docs/PACKAGING.md);
; English as the last resort, with a message in the compiler's output.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(SourcePath + "ChineseSimplified.isl")
Name: "chs"; MessagesFile: "{#SourcePath}ChineseSimplified.isl"
#else
  #pragma message "ChineseSimplified.isl not found: the installer speaks English"
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade first removes the previous version's _internal\ folder: a file the new version no longer
; has must not stay behind — above all a migration in _internal\database\versions\, which alembic
; would still read. (Runs after a running CourtDesk was closed, before [Files]; user data is elsewhere.)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; the whole PyInstaller folder: courtdesk.exe, courtdesk-console.exe and _internal\ (Python, Qt, fonts,
; migrations); ignoreversion: every file is replaced on upgrade, whatever its version resource says
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\courtdesk.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\courtdesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\courtdesk.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Anything left in the program's own folder (the bundled Python writes no .pyc caches: PyInstaller's
; bootloader turns bytecode writing off; this is only a safety net). The database, backups and settings
; are in the user's folders (%LOCALAPPDATA%\CourtDesk, C:\ProgramData\CourtDesk) and stay.
Type: filesandordirs; Name: "{app}\_internal"
