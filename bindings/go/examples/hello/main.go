// Run busybox `echo hello`, read its log, get exit code 0.
// usage: hello IMAGE|ROOTFS_DIR [ROOT RUN_ROOT]   (default root: /var/lib/libctr, /run/libctr)
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"libctr"
)

func main() {
	opts := libctr.ContainerOptions{Command: []string{"echo", "hello"}, Image: os.Args[1]}
	if st, err := os.Stat(os.Args[1]); err == nil && st.IsDir() {
		opts.Image, opts.Rootfs = "", os.Args[1]
	}
	var ro libctr.RuntimeOptions
	if len(os.Args) > 3 {
		ro.Root, ro.RunRoot = os.Args[2], os.Args[3]
	}
	rt, err := libctr.NewRuntime(ro)
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close()
	c, err := rt.Create(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	if err := c.Start(); err != nil {
		log.Fatal(err)
	}
	code, err := c.Wait(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	lines, err := c.ReadLogs(libctr.LogsOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range lines {
		fmt.Printf("%s\n", l.Data) // hello
	}
	fmt.Println("exit code", code) // 0
}
