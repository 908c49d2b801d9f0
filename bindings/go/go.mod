module libctr

go 1.19
