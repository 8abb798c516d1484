module tenet.dev/tenet

go 1.19
