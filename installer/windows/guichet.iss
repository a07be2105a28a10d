; Inno Setup 6 script of Guichet's Windows installer, from the bundle the spec built:
;
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\guichet.spec
;   iscc /DAppVersion=0.1.0 installer\windows\guichet.iss
;
; gives dist\Guichet-0.1.0-installation.exe (the README says it step by step). A French
; wizard; installed for the current user (no administrator rights, in
; %LOCALAPPDATA%\Programs\Guichet) or, when the person chooses it and is an administrator, for
; all users (Program Files); a Start menu shortcut; an uninstaller in « Applications
; installées ». The database is never in the installation folder: Guichet keeps it in the
; user's %LOCALAPPDATA%\Guichet (platformdirs), which uninstalling leaves alone.
;
; The file is UTF-8 with a byte order mark (Inno Setup reads it as UTF-8 only with one).
; Defines (iscc /D…): AppVersion (default: the version resource of guichet.exe, which the
; spec fills from the package metadata), AppPublisher, BundleDir (default: dist\Guichet).

#define AppName "Guichet"
#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\..\dist\Guichet"
#endif
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(AddBackslash(BundleDir) + "guichet.exe")
#endif
#ifndef AppPublisher
  ; The same as installer/contents.py's PUBLISHER (the executables' version resource).
  #define AppPublisher "Caisse primaire d'assurance maladie"
#endif

[Setup]
; The AppId identifies Guichet for upgrades and the uninstaller: never change it.
AppId={{A3356D67-AAEE-4FFB-9950-9569FCBB33B1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright={#AppPublisher}
AppComments=Rendez-vous, préparations, rappels, parcours attentionnés et médiation
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription=Installation de {#AppName}
; Per user by default; the wizard offers « pour tous les utilisateurs » too.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#SourcePath}\..\..\dist
OutputBaseFilename=Guichet-{#AppVersion}-installation
SetupIconFile=guichet.ico
UninstallDisplayIcon={app}\guichet-gui.exe
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
; Guichet running from this folder is closed before its files are replaced.
CloseApplications=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: guichet.exe (command line), guichet-gui.exe (no console)
; and _internal\ (Python, Qt, migrations, icons, fonts, licences).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's modules and libraries as a whole: no file of the previous
; version stays beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\guichet-gui.exe"; Comment: "Rendez-vous, préparations, rappels, parcours attentionnés et médiation"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\guichet-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\guichet-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
