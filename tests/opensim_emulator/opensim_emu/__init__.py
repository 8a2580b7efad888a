"""A test fixture that behaves like a stock OpenSimulator 0.9.2 as far as RemoteAdmin and the
Regions/*.ini loader go (see /work/shared/design/opensim-remoteadmin.md and README.md here).

Written independently of the sim bridge: no XML-RPC or INI code is shared with it, so a bug in
one cannot hide in the other."""
